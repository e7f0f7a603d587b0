// Input bounds of every write (security review, "Security and input review"): keys that are one
// path segment, custom fields and whole inputs bounded below Temporal's payload limit, finite and
// bounded numbers, calendar dates, bulk item keys as strict as the writes'; every problem named by
// field and rule. Parsed with the catalog's schemas: what the start helpers and the workflows use.
import { describe, expect, it } from 'vitest';
import { InvalidWriteInputError, WRITE_TYPES, WRITE_TYPE_NAMES, type WriteType } from '../../src/client/index.js';
import { bulkItemKeysSchema, bulkWriteInputSchema } from '../../src/writes/bulk/workflow/contract.js';
import { inputProblems, MAX_CUSTOM_FIELDS, MAX_INPUT_BYTES, type InputProblem } from '../../src/writes/workflow/engine/input.js';
import { writeStartOptions } from '../../src/writes/start-write.js';
import { OFFLINE_TARGETS, pathsOf, validInputs, withField, type Path } from '../fuzz/write-inputs.js';

const valid = validInputs(OFFLINE_TARGETS, 'k-1');

/** The problems of an input of `type` (none: it parses). */
function problems(type: WriteType, input: unknown): InputProblem[] {
  const r = WRITE_TYPES[type].schema.safeParse(input);
  return r.success ? [] : inputProblems(r.error);
}
const at = (path: Path) => path.join('.');
/** `field [rule]` of each problem: what a caller reads. */
const named = (ps: InputProblem[]) => ps.map((p) => `${p.field} [${p.rule}]`);

describe('the valid inputs', () => {
  it.each(WRITE_TYPE_NAMES)('%s parses', (type) => {
    expect(problems(type, valid[type])).toEqual([]);
  });
});

describe('keys are one path segment', () => {
  const BAD_KEYS = ['..', '.', '../vendors', 'a/b', '/x', 'a\\b', 'a\u0000b', 'line\nbreak', 'tab\t', '\u007f', '\u0085', 'a\ud800'];
  // Every *Key field of every write, at any depth (header, lines, parts, materials, changes).
  const withKeys = { ...valid, createWorkOrder: withField(valid.createWorkOrder, ['workOrder', 'assetKey'], 'A-7') };
  const keyFields = WRITE_TYPE_NAMES.flatMap((type) =>
    pathsOf(withKeys[type])
      .filter((p) => typeof p[p.length - 1] === 'string' && /Key$/.test(p[p.length - 1] as string) && p[p.length - 1] !== 'idempotencyKey')
      .map((path) => ({ type, path })),
  );

  it('covers the key fields of every write type', () => {
    expect(new Set(keyFields.map((k) => k.type)).size).toBe(WRITE_TYPE_NAMES.length);
    expect(keyFields.length).toBeGreaterThanOrEqual(14);
  });

  it.each(keyFields.map((k) => [`${k.type} ${at(k.path)}`, k] as const))(
    '%s refuses ../, / and control characters',
    (_name, { type, path }) => {
      for (const bad of BAD_KEYS) {
        const ps = problems(type, withField(withKeys[type], path, bad));
        expect(named(ps), JSON.stringify(bad)).toEqual([`${at(path)} [path-segment]`]);
        expect(ps[0]!.message).toMatch(/^\[path-segment\] a Makini key must not contain/);
      }
    },
  );

  it('keys a system may hand out stay valid', () => {
    for (const ok of ['51026561962723', 'V-100', 'a.b', 'key with spaces', 'Ä-7', 'x:y', 'a%2Fb']) {
      expect(problems('updateWorkOrder', { ...valid.updateWorkOrder, workOrderKey: ok }), ok).toEqual([]);
    }
  });

  it.each(WRITE_TYPE_NAMES)('%s refuses a connection id or idempotency key with ".." or "/"', (type) => {
    for (const field of ['connectionId', 'idempotencyKey'] as const) {
      for (const bad of ['a..b', 'x/..', '..', 'a/b', 'a\u0000', '']) {
        expect(named(problems(type, { ...valid[type], [field]: bad })), `${field} ${JSON.stringify(bad)}`).toEqual([
          `${field} [id-characters]`,
        ]);
      }
    }
  });

  it('bulk items need the keys a write needs (the workflow checks them before it starts the item)', () => {
    const keys = (connectionId: string, idempotencyKey: string) => bulkItemKeysSchema.safeParse({ connectionId, idempotencyKey, other: 1 });
    expect(keys('acme-sap', 'order-4711').success).toBe(true);
    for (const [c, k, field] of [
      ['acme/sap', 'k', 'connectionId'],
      ['..', 'k', 'connectionId'],
      ['acme', 'a..b', 'idempotencyKey'],
      ['acme', 'has spaces', 'idempotencyKey'],
      ['acme', 'x'.repeat(101), 'idempotencyKey'],
    ] as const) {
      const r = keys(c, k);
      expect(r.success, `${c} ${k}`).toBe(false);
      if (!r.success) expect(named(inputProblems(r.error))).toEqual([`${field} [id-characters]`]);
    }
  });

  it('a bulk names its task queue in printable characters', () => {
    const bulk = (taskQueue: string) => bulkWriteInputSchema.safeParse({ bulkId: 'b-1', items: [{ type: 'x', input: {} }], taskQueue });
    expect(bulk('makini-writes').success).toBe(true);
    const r = bulk('queue\nname');
    expect(r.success).toBe(false);
    if (!r.success) expect(named(inputProblems(r.error))).toEqual(['taskQueue [name-characters]']);
    expect(bulk('q'.repeat(201)).success).toBe(false);
  });
});

describe('custom fields', () => {
  const withCustom = (customFields: unknown) => withField(valid.createPurchaseOrder, ['purchaseOrder', 'customFields'], customFields);
  const onLine = (customFields: unknown) =>
    withField(valid.createPurchaseOrder, ['purchaseOrder', 'lineItems', 0, 'customFields'], customFields);
  const many = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`ZZ_${i}`, i]));

  it(`take at most ${MAX_CUSTOM_FIELDS} fields per record`, () => {
    expect(problems('createPurchaseOrder', withCustom(many(MAX_CUSTOM_FIELDS)))).toEqual([]);
    expect(named(problems('createPurchaseOrder', withCustom(many(MAX_CUSTOM_FIELDS + 1))))).toEqual([
      'purchaseOrder.customFields [max-fields]',
    ]);
    expect(named(problems('createPurchaseOrder', onLine(many(MAX_CUSTOM_FIELDS + 1))))).toEqual([
      'purchaseOrder.lineItems.0.customFields [max-fields]',
    ]);
    expect(named(problems('createWorkOrder', withField(valid.createWorkOrder, ['workOrder', 'customFields'], many(500))))).toEqual([
      'workOrder.customFields [max-fields]',
    ]);
  });

  it('bound the name (length, control characters) and name the field', () => {
    const long = 'N'.repeat(101);
    expect(named(problems('createPurchaseOrder', withCustom({ [long]: 1 })))).toEqual([`purchaseOrder.customFields.${long} [max-length]`]);
    expect(named(problems('createPurchaseOrder', withCustom({ 'a\u0000': 1 })))).toEqual([
      'purchaseOrder.customFields.a\u0000 [name-characters]',
    ]);
    expect(problems('createPurchaseOrder', withCustom({ ZZ_KOSTL: 'K-1', 'Cost center': 'K-2' }))).toEqual([]);
  });

  it('never carry a __proto__ (zod drops it; the record keeps its prototype)', () => {
    const r = WRITE_TYPES.createPurchaseOrder.schema.parse(withCustom(JSON.parse('{"__proto__": {"polluted": 1}, "ZZ_A": "x"}')));
    const custom = r.purchaseOrder.customFields!;
    expect(Object.keys(custom)).toEqual(['ZZ_A']);
    expect(Object.getPrototypeOf(custom)).toBe(Object.prototype);
  });

  it('bound the value: text, finite bounded numbers, true/false or null', () => {
    expect(problems('createPurchaseOrder', withCustom({ a: 'x'.repeat(4000), b: -5.5, c: true, d: null }))).toEqual([]);
    expect(named(problems('createPurchaseOrder', withCustom({ a: 'x'.repeat(4001) })))).toEqual([
      'purchaseOrder.customFields.a [max-length]',
    ]);
    expect(named(problems('createPurchaseOrder', withCustom({ a: 1e300 })))).toEqual(['purchaseOrder.customFields.a [max]']);
    expect(named(problems('createPurchaseOrder', withCustom({ a: { nested: 1 } })))).toEqual(['purchaseOrder.customFields.a [one-of]']);
  });
});

describe('the whole input stays below the payload limit', () => {
  // 1000 lines of valid, bounded fields: about 8 MB, four times what Temporal takes in one payload.
  const bigPo = withField(
    valid.createPurchaseOrder,
    ['purchaseOrder', 'lineItems'],
    Array.from({ length: 1000 }, (_, i) => ({
      materialKey: 'mat-1',
      quantity: 1,
      price: 1,
      description: `${i} `.padEnd(4000, 'd'),
      notes: 'n'.repeat(4000),
    })),
  );

  it(`refuses an input over ${MAX_INPUT_BYTES} bytes as JSON, as InvalidWriteInput naming the rule`, () => {
    expect(JSON.stringify(bigPo).length).toBeGreaterThan(2 * 1024 * 1024);
    expect(named(problems('createPurchaseOrder', bigPo))).toEqual(['(input) [max-size]']);
    // The start helper throws before anything is sent (no Temporal "payload too large").
    expect(() => writeStartOptions('createPurchaseOrder', bigPo)).toThrow(InvalidWriteInputError);
    expect(() => writeStartOptions('createPurchaseOrder', bigPo)).toThrow(
      /\(input\): \[max-size\] the input is \d+ bytes as JSON; at most 1048576/,
    );
  });

  it('counts UTF-8 bytes, not characters', () => {
    // 300 lines of 1,000 three-byte characters: 0.9 M characters, 0.9 MB... in UTF-16; 2.7 MB in UTF-8.
    const wide = withField(
      valid.createPurchaseOrder,
      ['purchaseOrder', 'lineItems'],
      Array.from({ length: 300 }, () => ({ quantity: 1, price: 1, description: '€'.repeat(3000) })),
    );
    expect(JSON.stringify(wide).length).toBeLessThan(MAX_INPUT_BYTES);
    expect(named(problems('createPurchaseOrder', wide))).toEqual(['(input) [max-size]']);
  });

  it('refuses a bulk over the limit too', () => {
    const items = Array.from({ length: 3000 }, (_, i) => ({
      type: 'createPurchaseOrder',
      input: { ...valid.createPurchaseOrder, idempotencyKey: `k-${i}` },
    }));
    const r = bulkWriteInputSchema.safeParse({ bulkId: 'b-1', items });
    expect(r.success).toBe(false);
    if (!r.success) expect(named(inputProblems(r.error))).toEqual(['(input) [max-size]']);
  });
});

describe('numbers are finite and bounded', () => {
  const cases: [WriteType, Path, number, string][] = [
    ['createPurchaseOrder', ['purchaseOrder', 'lineItems', 0, 'quantity'], 1e13, 'max'],
    ['createPurchaseOrder', ['purchaseOrder', 'lineItems', 0, 'price'], 1e300, 'max'],
    ['createPurchaseOrder', ['purchaseOrder', 'lineItems', 0, 'discount'], 1e13, 'max'],
    ['createPurchaseOrder', ['purchaseOrder', 'lineItems', 0, 'lineNo'], 1e10, 'max'],
    ['createPurchaseOrder', ['purchaseOrder', 'lineItems', 0, 'lineNo'], 1.5, 'integer'],
    ['createPurchaseOrder', ['purchaseOrder', 'totalNetValue'], -1e300, 'min'],
    ['createPurchaseOrder', ['purchaseOrder', 'lineItems', 0, 'quantity'], Infinity, 'type'],
    ['createPurchaseOrder', ['purchaseOrder', 'lineItems', 0, 'price'], NaN, 'type'],
    ['updateInventory', ['changes', 'quantity'], 1e20, 'max'],
    ['updateInventory', ['changes', 'unitCost'], 1e13, 'max'],
    ['adjustInventory', ['delta'], -1e13, 'min'],
    ['adjustInventory', ['delta'], 0, 'not-zero'],
    ['addWorkOrderMaterials', ['materials', 0, 'requiredQuantity'], 1e13, 'max'],
    ['addWorkOrderMaterials', ['materials', 0, 'usedQuantity'], 1e300, 'max'],
  ];
  it.each(cases.map((c) => [`${c[0]} ${at(c[1])} = ${c[2]}`, ...c] as const))('%s is refused', (_name, type, path, value, rule) => {
    expect(named(problems(type, withField(valid[type], path, value)))).toEqual([`${at(path)} [${rule}]`]);
  });

  it('a work-order part quantity is bounded', () => {
    const wo = withField(valid.createWorkOrder, ['workOrder', 'parts'], [{ partKey: 'p-1', quantity: 1e13 }]);
    expect(named(problems('createWorkOrder', wo))).toEqual(['workOrder.parts.0.quantity [max]']);
  });
});

describe('dates exist on the calendar', () => {
  const dated = (orderDate: string) =>
    problems('createPurchaseOrder', withField(valid.createPurchaseOrder, ['purchaseOrder', 'orderDate'], orderDate));

  it('refuses dates and times that do not exist', () => {
    for (const bad of [
      '2026-02-31',
      '2026-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-12-00',
      '2026-12-01T24:00:00Z',
      '2026-12-01T08:60:00Z',
      '2026-12-01T08:00:61Z',
      '2026-12-01T08:00:00+25:00',
      '2026-12-01T08',
      'tomorrow',
      '2026-1-1',
    ]) {
      expect(named(dated(bad)), bad).toEqual(['purchaseOrder.orderDate [date]']);
    }
  });

  it('accepts the ISO 8601 forms the writes take', () => {
    for (const ok of [
      '2026-12-01',
      '2028-02-29',
      '2000-02-29',
      '2026-12-01T08:00:00Z',
      '2026-01-01T00:00:00.000Z',
      '2026-12-01 08:00',
      '2026-12-01T08:00:00+02:00',
      '2026-12-01T08:00:00-0530',
      '9999-12-31',
    ]) {
      expect(dated(ok), ok).toEqual([]);
    }
    expect(named(dated('1900-02-29'))).toEqual(['purchaseOrder.orderDate [date]']);
  });
});

describe('every problem names its field and rule', () => {
  it('unknown fields are named one by one', () => {
    const input = { ...valid.createWorkOrder, extra: 1, workOrder: { ...valid.createWorkOrder.workOrder, colour: 'red', size: 2 } };
    expect(named(problems('createWorkOrder', input)).sort()).toEqual([
      'extra [unknown-field]',
      'workOrder.colour [unknown-field]',
      'workOrder.size [unknown-field]',
    ]);
  });

  it('a field name one could not see in the message is quoted: empty, with a space or a dot in it', () => {
    // A fuzzed bulk item once came back as "invalid bulkWrite input:  r1@: ...": a name with a leading space.
    const input = { ...valid.createWorkOrder, ' r1@': 1, 'a.b': 2, '': 3, 'r2@': 4 };
    expect(named(problems('createWorkOrder', input)).sort()).toEqual([
      '" r1@" [unknown-field]',
      '"" [unknown-field]',
      '"a.b" [unknown-field]',
      'r2@ [unknown-field]',
    ]);
  });

  it('missing, mistyped and out-of-range fields, at once', () => {
    const ps = problems('createPurchaseOrder', { connectionId: 7, purchaseOrder: { vendorKey: 'V-1', lineItems: [] } });
    expect(named(ps)).toEqual(['connectionId [type]', 'idempotencyKey [required]', 'purchaseOrder.lineItems [min-items]']);
    for (const p of ps) expect(p.message.startsWith(`[${p.rule}] `)).toBe(true);
  });

  it('the start helper reports them the same way, before anything is sent', () => {
    const bad = { ...valid.adjustInventory, inventoryKey: '../inventories', delta: 0.5 };
    const err = (() => {
      try {
        writeStartOptions('adjustInventory', bad);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidWriteInputError);
    expect(named((err as InvalidWriteInputError).problems)).toEqual(['inventoryKey [path-segment]', 'delta [integer]']);
    expect((err as Error).message).toMatch(/inventoryKey: \[path-segment\] .*; delta: \[integer\] /);
  });
});
