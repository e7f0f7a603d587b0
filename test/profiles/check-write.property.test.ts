// Property tests: checkWrite is total (never throws, whatever the request) and every violation
// names its field, rule and system.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkWrite, Rule, type WriteCheckRequest } from '../../src/profiles/workflow/check-write.js';
import { genericProfile } from '../../src/profiles/generic-profile.js';
import { effectiveProfile } from '../../src/profiles/overrides.js';
import { ENTITIES, OPERATIONS, type WriteProfile } from '../../src/profiles/workflow/schema.js';
import { builtins } from './support.js';

const RULES = new Set<string>(Object.values(Rule));

/** Every built-in profile, the generic one, and sap with a few overrides. */
const profiles: WriteProfile[] = [
  ...builtins.values(),
  genericProfile('fiix'),
  effectiveProfile(
    builtins,
    'sap',
    {
      purchaseOrder: { writableCustomFields: ['ZZ_A'], customFieldMap: { costCenter: 'ZZ_KOSTL' }, removeStateRules: ['approved'] },
    },
    'prop',
  ),
];

/** Field names the profiles care about, plus hostile ones. */
const fieldName = fc.oneof(
  fc.constantFrom(
    'vendorKey',
    'siteKey',
    'title',
    'assetKey',
    'parts',
    'documents',
    'customFields',
    'createdAt',
    'code',
    'totalNetValue',
    'duaAt',
    'dueAt',
    '__proto__',
    'constructor',
    'toString',
    'hasOwnProperty',
    'parts.*.partKey',
    '',
  ),
  fc.string(),
);

const anyValue = fc.anything({
  withBigInt: true,
  withNullPrototype: true,
  withBoxedValues: true,
  withMap: true,
  withSet: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  withObjectString: true,
  maxDepth: 3,
});

/** JSON-ish values with nested arrays of records (so element paths and custom fields are exercised). */
const jsonish = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  anyValue,
  fc.array(fc.dictionary(fieldName, fc.jsonValue({ maxDepth: 2 })), { maxLength: 4 }),
  fc.dictionary(fieldName, fc.oneof(fc.string(), fc.integer(), fc.constant(null))),
);

const fields = fc.oneof(fc.dictionary(fieldName, jsonish, { maxKeys: 8 }), anyValue);

const request = fc
  .record(
    {
      entity: fc.oneof(fc.constantFrom(...ENTITIES), fc.string(), fc.constantFrom('__proto__', 'constructor', 'toString'), anyValue),
      operation: fc.oneof(fc.constantFrom(...OPERATIONS), fc.string(), fc.constantFrom('__proto__', 'constructor', 'valueOf'), anyValue),
      fields,
      lines: fc.oneof(fc.array(fc.oneof(fc.dictionary(fieldName, jsonish, { maxKeys: 5 }), anyValue), { maxLength: 5 }), anyValue),
      currentStatus: fc.oneof(
        fc.constantFrom('approved', 'closed', 'cancelled', 'completed', 'in-progress', 'received', 'draft'),
        anyValue,
      ),
      targetStatus: fc.oneof(fc.constantFrom('closed', 'cancelled', 'draft'), anyValue),
      references: fc.oneof(fc.dictionary(fieldName, fc.boolean()), anyValue),
    },
    { requiredKeys: ['entity', 'operation'] },
  )
  .map((r) => r as unknown as WriteCheckRequest);

describe('checkWrite properties', () => {
  it('never throws and always returns an array', () => {
    fc.assert(
      fc.property(fc.constantFrom(...profiles), request, (p, req) => {
        expect(Array.isArray(checkWrite(p, req))).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('every violation names its field, a known rule and the system', () => {
    fc.assert(
      fc.property(fc.constantFrom(...profiles), request, (p, req) => {
        for (const v of checkWrite(p, req)) {
          expect(typeof v.field).toBe('string');
          expect(v.field.length).toBeGreaterThan(0);
          expect(RULES.has(v.rule)).toBe(true);
          expect(v.system).toBe(p.system);
          expect(typeof v.message).toBe('string');
          expect(v.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('is deterministic and leaves the request alone', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...profiles),
        fc.constantFrom(...ENTITIES),
        fc.constantFrom(...OPERATIONS),
        fc.dictionary(fieldName, fc.jsonValue({ maxDepth: 2 })),
        (p, entity, operation, f) => {
          const req: WriteCheckRequest = { entity, operation, fields: f };
          const before = JSON.stringify(req);
          expect(checkWrite(p, req)).toEqual(checkWrite(p, req));
          expect(JSON.stringify(req)).toBe(before);
        },
      ),
    );
  });

  it('a required field that is set never shows as missing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...profiles), fc.constantFrom(...ENTITIES), fc.constantFrom(...OPERATIONS), (p, entity, operation) => {
        const required = (p[entity].operations[operation]?.required ?? []).filter((f) => !f.includes('*'));
        const f = Object.fromEntries(required.map((name) => [name, 'set']));
        const missing = checkWrite(p, { entity, operation, fields: f }).filter((v) => v.rule === Rule.required);
        expect(missing).toEqual([]);
      }),
    );
  });

  it('a profile is not mutated by checking', () => {
    const snapshot = profiles.map((p) => JSON.stringify(p));
    fc.assert(
      fc.property(fc.constantFrom(...profiles), request, (p, req) => {
        checkWrite(p, req);
      }),
      { numRuns: 500 },
    );
    expect(profiles.map((p) => JSON.stringify(p))).toEqual(snapshot);
  });
});
