// Per-connection overrides and the generic profile of systems without a built-in one.
import { describe, expect, it } from 'vitest';
import { parseConnections } from '../../src/config/connections.js';
import { checkWrite, Rule } from '../../src/profiles/workflow/check-write.js';
import { mapCustomFields } from '../../src/profiles/workflow/custom-fields.js';
import { GENERIC_WRITES_PER_MINUTE } from '../../src/profiles/generic-profile.js';
import { applyOverrides, effectiveProfile } from '../../src/profiles/overrides.js';
import { builtins, profile, summary } from './support.js';

const poHeader = { vendorKey: 'V100', siteKey: 'S1', currencyKey: 'EUR' };
const lines = [{ quantity: 1, price: 2 }];

/** Connection config text as an operator writes it (parsed by the real connections schema). */
const connections = parseConnections(
  `
connections:
  - id: acme-sap
    token: { env: ACME_SAP_TOKEN }
    system: sap
    overrides:
      writesPerMinute: 20
      purchaseOrder:
        writableCustomFields: [ZZ_PROJECT]
        customFieldMap: { costCenter: ZZ_KOSTL }
        operations:
          create: { removeRequired: [siteKey], addRequired: [organizationKey] }
  - id: other-sap
    token: { env: OTHER_SAP_TOKEN }
    system: sap
`,
  'connections.yaml',
);
const [acme, other] = connections.connections;
const acmeSap = effectiveProfile(builtins, 'sap', acme!.overrides, acme!.id);
const otherSap = effectiveProfile(builtins, 'sap', other!.overrides, other!.id);

describe('per-connection overrides', () => {
  it('makes a custom field writable for one connection only', () => {
    const req = {
      entity: 'purchaseOrder' as const,
      operation: 'create' as const,
      fields: { ...poHeader, organizationKey: 'O1', customFields: { ZZ_PROJECT: 'P-7' } },
      lines,
    };
    expect(checkWrite(acmeSap, req)).toEqual([]);
    expect(summary(checkWrite(otherSap, { ...req, fields: { ...poHeader, customFields: { ZZ_PROJECT: 'P-7' } } }))).toEqual([
      'custom-field-not-writable:customFields.ZZ_PROJECT',
    ]);
    expect(profile('sap').purchaseOrder.writableCustomFields).toEqual([]); // the built-in is untouched
  });

  it('maps a caller custom-field name to the target field and makes the target writable', () => {
    const fields = { ...poHeader, organizationKey: 'O1', customFields: { costCenter: '4711' } };
    expect(checkWrite(acmeSap, { entity: 'purchaseOrder', operation: 'create', fields, lines })).toEqual([]);
    expect(mapCustomFields(acmeSap, 'purchaseOrder', fields)).toEqual({ ...fields, customFields: { ZZ_KOSTL: '4711' } });
    expect(mapCustomFields(otherSap, 'purchaseOrder', fields)).toBe(fields);
    const [v] = checkWrite(otherSap, { entity: 'purchaseOrder', operation: 'create', fields, lines });
    expect(v).toMatchObject({ rule: Rule.customFieldNotWritable, field: 'customFields.costCenter' });
  });

  it('relaxes a required field and adds another', () => {
    const fields = { vendorKey: 'V1', currencyKey: 'EUR' };
    expect(summary(checkWrite(otherSap, { entity: 'purchaseOrder', operation: 'create', fields, lines }))).toEqual(['required:siteKey']);
    expect(summary(checkWrite(acmeSap, { entity: 'purchaseOrder', operation: 'create', fields, lines }))).toEqual([
      'required:organizationKey',
    ]);
    expect(acmeSap.writesPerMinute).toBe(20);
    expect(otherSap.writesPerMinute).toBe(60);
  });

  it('lets one connection write dueAt on eMaint updates (the source lists "duaAt")', () => {
    const fixed = effectiveProfile(builtins, 'emaint', { workOrder: { operations: { update: { addWritable: ['dueAt'] } } } }, 'plant-7');
    const req = { entity: 'workOrder' as const, operation: 'update' as const, fields: { dueAt: '2026-04-01' } };
    expect(checkWrite(fixed, req)).toEqual([]);
    expect(summary(checkWrite(profile('emaint'), req))).toEqual(['field-not-writable:dueAt']);
  });

  it('removes a state rule for some operations only, and adds one', () => {
    const p = effectiveProfile(
      builtins,
      'sap',
      {
        purchaseOrder: {
          removeStateRules: [{ state: 'approved', operations: ['update'] }],
          addStateRules: [{ states: ['in-approval'], refuses: ['update'], reason: 'workflow running in SAP' }],
        },
      },
      'acme',
    );
    const update = (currentStatus: string) =>
      summary(checkWrite(p, { entity: 'purchaseOrder', operation: 'update', fields: { title: 't' }, currentStatus }));
    expect(update('approved')).toEqual([]);
    expect(update('in-approval')).toEqual(['state-locked:status']);
    expect(
      summary(checkWrite(p, { entity: 'purchaseOrder', operation: 'cancel', currentStatus: 'approved', targetStatus: 'cancelled' })),
    ).toEqual(['state-locked:status']);
    expect(update('closed')).toEqual(['state-locked:status']);
  });

  it('changes line handling, reference field and limits', () => {
    const p = effectiveProfile(
      builtins,
      'dynamics',
      {
        purchaseOrder: {
          lines: 'with-header',
          referenceField: 'orderNo',
          operations: { create: { maxLines: 2, removeMustExist: ['vendorKey'] } },
        },
      },
      'dyn-9',
    );
    expect(p.purchaseOrder.lines).toBe('with-header');
    expect(p.purchaseOrder.referenceField).toBe('orderNo');
    expect(p.purchaseOrder.operations.create?.mustExist).toEqual([]);
    expect(
      summary(
        checkWrite(p, { entity: 'purchaseOrder', operation: 'create', fields: { vendorKey: 'V' }, lines: [...lines, ...lines, ...lines] }),
      ),
    ).toEqual(['too-many-lines:lineItems']);
    const unlimited = applyOverrides(p, { purchaseOrder: { operations: { create: { maxLines: null } } } }, 'dyn-9');
    expect(unlimited.purchaseOrder.operations.create?.maxLines).toBeUndefined();
  });

  it('returns a new profile and leaves its input alone', () => {
    const before = JSON.stringify(profile('sap'));
    const p = applyOverrides(profile('sap'), { purchaseOrder: { writableCustomFields: ['ZZ_X'] } }, 'x');
    expect(p).not.toBe(profile('sap'));
    expect(JSON.stringify(profile('sap'))).toBe(before);
    expect(applyOverrides(profile('sap'), undefined, 'x')).toEqual(profile('sap'));
  });

  describe('rejects invalid overrides with a message naming the connection and the field', () => {
    const bad = (overrides: unknown, system = 'sap') => {
      try {
        effectiveProfile(builtins, system, overrides, 'acme-sap');
      } catch (err) {
        return (err as Error).message;
      }
      throw new Error('expected the overrides to be refused');
    };

    it('a wrong type', () => {
      const msg = bad({ purchaseOrder: { operations: { create: { addRequired: 'organizationKey' } } } });
      expect(msg).toMatch(/^connection "acme-sap": invalid write-profile overrides for sap:/);
      expect(msg).toContain('overrides.purchaseOrder.operations.create.addRequired');
    });
    it('an unknown operation', () => {
      expect(bad({ purchaseOrder: { operations: { creat: { addRequired: ['x'] } } } })).toMatch(
        /overrides\.purchaseOrder\.operations: .*"creat"/,
      );
    });
    it('an unknown key', () => {
      expect(bad({ workOrder: { requried: ['title'] } })).toMatch(/overrides\.workOrder: .*"requried"/);
    });
    it('lines on an entity without lines', () => {
      expect(bad({ workOrder: { lines: 'both' } })).toMatch(/overrides\.workOrder: .*"lines"/);
    });
    it('removing a field that is not required (a typo)', () => {
      expect(bad({ purchaseOrder: { operations: { create: { removeRequired: ['vendorkey'] } } } })).toContain(
        'overrides.purchaseOrder.operations.create.removeRequired: vendorkey is not required (it is: vendorKey, siteKey, currencyKey)',
      );
    });
    it('a field both required and read-only', () => {
      expect(bad({ purchaseOrder: { operations: { create: { addRequired: ['totalNetValue'] } } } })).toContain(
        'overrides.purchaseOrder.operations.create: totalNetValue would be both required and read-only',
      );
    });
    it('addWritable where every field is already writable', () => {
      expect(bad({ purchaseOrder: { operations: { update: { addWritable: ['notes'] } } } })).toContain(
        'overrides.purchaseOrder.operations.update.addWritable: this operation has no list of accepted fields',
      );
    });
    it('removing a state rule that does not exist', () => {
      expect(bad({ purchaseOrder: { removeStateRules: ['aproved'] } })).toContain(
        'overrides.purchaseOrder.removeStateRules.0: no state rule applies to status "aproved"',
      );
    });
    it('a non-positive write budget', () => {
      expect(bad({ writesPerMinute: 0 })).toContain('overrides.writesPerMinute');
    });
    it('not an object', () => {
      expect(bad(['sap'])).toContain('connection "acme-sap": invalid write-profile overrides for sap');
    });
  });
});

describe('systems without a built-in profile', () => {
  const fiix = effectiveProfile(builtins, 'fiix');

  it('get the conservative generic profile, named after the system', () => {
    expect(fiix.system).toBe('fiix');
    expect(fiix.category).toBe('unknown');
    expect(fiix.writesPerMinute).toBe(GENERIC_WRITES_PER_MINUTE);
    expect(fiix.purchaseOrder.lines).toBe('with-header');
    expect(
      summary(checkWrite(fiix, { entity: 'purchaseOrder', operation: 'create', fields: { customFields: { X: 1 } }, lines: [{}] })),
    ).toEqual([
      'custom-field-not-writable:customFields.X',
      'line-required:lineItems[0].price',
      'line-required:lineItems[0].quantity',
      'required:vendorKey',
    ]);
    expect(summary(checkWrite(fiix, { entity: 'purchaseOrder', operation: 'addLine', lines, currentStatus: 'draft' }))).toEqual([
      'lines-with-header-only:lineItems',
      'operation-not-allowed:(operation)',
    ]);
    expect(
      summary(checkWrite(fiix, { entity: 'purchaseOrder', operation: 'cancel', currentStatus: 'approved', targetStatus: 'cancelled' })),
    ).toEqual(['state-locked:status']);
    expect(
      summary(checkWrite(fiix, { entity: 'workOrder', operation: 'update', fields: { title: 't' }, currentStatus: 'completed' })),
    ).toEqual(['state-locked:status']);
  });

  it('take overrides like any profile', () => {
    const p = effectiveProfile(
      builtins,
      'fiix',
      { purchaseOrder: { lines: 'both', operations: { addLine: { allowed: true } } } },
      'fiix-1',
    );
    expect(checkWrite(p, { entity: 'purchaseOrder', operation: 'addLine', lines, currentStatus: 'draft' })).toEqual([]);
  });

  it('built-in systems are found case-insensitively', () => {
    expect(effectiveProfile(builtins, 'SAP').system).toBe('sap');
  });
});

describe('transport per write, by configuration', () => {
  const nativeNs = parseConnections(
    `
connections:
  - id: acme-ns
    token: { env: ACME_NS_TOKEN }
    system: netsuite
    overrides:
      purchaseOrder:
        transport: { create: { via: passthrough, dialect: netsuite-rest } }
`,
    'connections.yaml',
  ).connections[0]!;

  it('a connection override moves a PO create to the passthrough dialect; the built-in stays unified', () => {
    expect(profile('netsuite').purchaseOrder.transport.create).toEqual({ via: 'unified' });
    const p = effectiveProfile(builtins, 'netsuite', nativeNs.overrides, nativeNs.id);
    expect(p.purchaseOrder.transport.create).toEqual({ via: 'passthrough', dialect: 'netsuite-rest' });
    // ...and back: the override to unified on a profile that had passthrough.
    expect(
      applyOverrides(p, { purchaseOrder: { transport: { create: { via: 'unified' } } } }, 'back').purchaseOrder.transport.create,
    ).toEqual({
      via: 'unified',
    });
  });

  it('a dialect that does not exist is refused naming the field', () => {
    expect(() =>
      applyOverrides(
        profile('netsuite'),
        { purchaseOrder: { transport: { create: { via: 'passthrough', dialect: 'netsuite-soap' } } } },
        'connection "x"',
      ),
    ).toThrow(/overrides\.purchaseOrder\.transport\.create\.dialect/);
  });
});
