#!/usr/bin/env node
// Re-adds the foreign-platform optional packages of @swc/core (a dependency of @temporalio/worker)
// to package-lock.json. A registry mirror that only serves this machine's platform makes
// `npm install` drop them, and `npm ci` then refuses the lock as "out of sync" on a clean clone.
// Run after any `npm install` that rewrites the lock file.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const packages = lock.packages;
let added = 0;
for (const [parentPath, parent] of Object.entries(packages)) {
  if (!parentPath.endsWith('node_modules/@swc/core')) continue;
  for (const [name, version] of Object.entries(parent.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (packages[key]) continue;
    // @swc/core-<os>-<cpu>[-<abi>]
    const [os, cpu, abi] = name.replace('@swc/core-', '').split('-');
    const entry = { version, cpu: [cpu], license: 'Apache-2.0 AND MIT', optional: true, os: [os], engines: { node: '>=10' } };
    if (abi === 'gnu' || abi === 'gnueabihf') entry.libc = ['glibc'];
    if (abi === 'musl') entry.libc = ['musl'];
    packages[key] = entry;
    added++;
  }
}
const sorted = Object.fromEntries(Object.entries(packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
lock.packages = sorted;
writeFileSync(path, JSON.stringify(lock, null, 2) + '\n');
console.log(`complete-lockfile: added ${added} platform entr${added === 1 ? 'y' : 'ies'}`);
