export * from './schema.js';
export * from './check-write.js';
