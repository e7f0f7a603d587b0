// Capability discovery: JSON Schema (draft 2020-12) per system, entity and operation.
import { describe, expect, it } from 'vitest';
import { describeCapabilities, JSON_SCHEMA_DIALECT, type JsonSchema } from '../../src/profiles/capabilities.js';
import { checkWrite } from '../../src/profiles/workflow/check-write.js';
import { effectiveProfile } from '../../src/profiles/overrides.js';
import { ENTITIES, OPERATIONS } from '../../src/profiles/workflow/schema.js';
import { builtins, profile } from './support.js';

const props = (s: JsonSchema) => s.properties as Record<string, JsonSchema>;

describe('describeCapabilities', () => {
  const sapCreate = describeCapabilities(profile('sap'), 'purchaseOrder', 'create');

  it('sap purchaseOrder create: vendorKey required, totalNetValue read-only', () => {
    expect(sapCreate.$schema).toBe(JSON_SCHEMA_DIALECT);
    expect(sapCreate.type).toBe('object');
    expect(sapCreate.required).toEqual(expect.arrayContaining(['vendorKey', 'siteKey', 'currencyKey', 'lineItems']));
    expect(props(sapCreate).totalNetValue?.readOnly).toBe(true);
    expect(props(sapCreate).vendorKey?.readOnly).toBeUndefined();
    expect(props(sapCreate).vendorKey?.type).toBe('string');
    expect(props(sapCreate).notes?.type).toEqual(['string', 'null']);
    expect(sapCreate['x-makini-allowed']).toBe(true);
  });

  it('lists line requirements, lookups, the reference field and custom fields', () => {
    const lineItems = props(sapCreate).lineItems!;
    expect(lineItems.type).toBe('array');
    expect((lineItems.items as JsonSchema).required).toEqual(['quantity', 'price']);
    expect(sapCreate['x-makini-lines']).toEqual({ mode: 'with-header', required: ['quantity', 'price'] });
    expect(sapCreate['x-makini-transport']).toEqual({ via: 'unified', label: 'unified' });
    expect(sapCreate['x-makini-must-exist']).toEqual([{ field: 'vendorKey', lookup: 'vendor' }]);
    expect(sapCreate['x-makini-reference-field']).toBe('code');
    expect(props(sapCreate).code?.readOnly).toBe(true);
    expect(props(sapCreate).customFields).toMatchObject({ type: 'object', maxProperties: 0 });
    const fields = sapCreate['x-makini-fields'] as { required: string[]; writable: string[]; readOnly: string[] };
    expect(fields.readOnly).toEqual(expect.arrayContaining(['totalNetValue', 'createdAt', 'code']));
    expect(fields.writable).toContain('vendorKey');
    expect(fields.writable).not.toContain('totalNetValue');
  });

  it('shows the transport of a PO create: a passthrough dialect once a connection override names it', () => {
    const ns = effectiveProfile(builtins, 'netsuite', {
      purchaseOrder: { transport: { create: { via: 'passthrough', dialect: 'netsuite-rest' } } },
    });
    expect(describeCapabilities(ns, 'purchaseOrder', 'create')['x-makini-transport']).toEqual({
      via: 'passthrough',
      dialect: 'netsuite-rest',
      label: 'passthrough:netsuite-rest',
      linesInOneRequest: true,
      nativeDedupe: true,
    });
    expect(describeCapabilities(ns, 'purchaseOrder', 'update')['x-makini-transport']).toBeUndefined();
  });

  it('carries the state rules of the operation', () => {
    const update = describeCapabilities(profile('sap'), 'purchaseOrder', 'update');
    const rules = update['x-makini-state-rules'] as { states: string[] }[];
    expect(rules.map((r) => r.states)).toEqual([['approved'], ['cancelled', 'closed']]);
    expect(props(update).vendorKey?.readOnly).toBe(true);
  });

  it('marks an operation refused outright', () => {
    const addLine = describeCapabilities(profile('sap'), 'purchaseOrder', 'addLine');
    expect(addLine['x-makini-allowed']).toBe(false);
    expect(addLine.not).toEqual({});
    expect(addLine['x-makini-refusals']).toEqual(expect.arrayContaining([expect.stringContaining('same request as the header')]));
    expect(describeCapabilities(profile('maintain-x'), 'workOrder', 'cancel')['x-makini-allowed']).toBe(false);
  });

  it('closes the schema where the system lists the fields it accepts', () => {
    const mx = describeCapabilities(profile('maintain-x'), 'workOrder', 'create');
    expect(mx.additionalProperties).toBe(false);
    expect(mx.required).toEqual(['siteKey', 'title']);
    expect(Object.keys(props(mx))).toEqual(expect.arrayContaining(['siteKey', 'title', 'assetKey', 'parts', 'userAssignedKey']));
    expect(props(mx).instructions).toBeUndefined();
    expect(props(mx).parts?.items).toMatchObject({
      type: 'object',
      additionalProperties: false,
      properties: { partKey: {}, quantity: {} },
    });
    const emaint = describeCapabilities(profile('emaint'), 'workOrder', 'update');
    expect(props(emaint).duaAt?.description).toMatch(/not a field of the Makini spec/);
    expect(emaint.required).toEqual([]);
  });

  it('shows what a connection override opens', () => {
    const p = effectiveProfile(
      builtins,
      'sap',
      { purchaseOrder: { writableCustomFields: ['ZZ_PROJECT'], customFieldMap: { costCenter: 'ZZ_KOSTL' } } },
      'acme',
    );
    const s = describeCapabilities(p, 'purchaseOrder', 'create');
    const custom = props(s).customFields!;
    expect(Object.keys(custom.properties as object).sort()).toEqual(['ZZ_KOSTL', 'ZZ_PROJECT', 'costCenter']);
    expect(s['x-makini-custom-field-map']).toEqual({ costCenter: 'ZZ_KOSTL' });
  });

  it('describes every system, entity and operation consistently with the checker', () => {
    for (const p of [...builtins.values(), effectiveProfile(builtins, 'fiix')]) {
      for (const entity of ENTITIES) {
        for (const operation of OPERATIONS) {
          const s = describeCapabilities(p, entity, operation);
          expect(JSON.parse(JSON.stringify(s))).toEqual(s); // plain JSON, no undefined or functions
          expect(s.$schema).toBe(JSON_SCHEMA_DIALECT);
          for (const r of s.required as string[]) expect(Object.keys(props(s)), `${p.system} ${entity} ${operation} ${r}`).toContain(r);
          // An operation the schema calls refused is refused by the checker, and the other way round.
          const refusedByChecker = checkWrite(p, { entity, operation }).some(
            (v) => v.rule === 'operation-not-allowed' || v.rule === 'lines-with-header-only' || v.rule === 'delete-impossible',
          );
          expect(s['x-makini-allowed'], `${p.system} ${entity} ${operation}`).toBe(!refusedByChecker);
          // Every read-only field the schema names is refused by the checker when written.
          for (const f of (s['x-makini-fields'] as { readOnly: string[] }).readOnly) {
            if (f === p[entity].referenceField) continue; // reserved by the workflows, not by the checker
            const vs = checkWrite(p, { entity, operation, fields: { [f]: 'x' } });
            expect(
              vs.some((v) => v.field === f && (v.rule === 'read-only' || v.rule === 'field-not-writable')),
              `${p.system} ${entity} ${operation} ${f}`,
            ).toBe(true);
          }
        }
      }
    }
  });
});
