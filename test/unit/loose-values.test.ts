// Values as systems type them: a quantity may come as a number or a numeric string ("7.500", as
// SAP's OData keeps decimals), a date with or without a time; they compare by value. Anything else
// in a numeric field breaks the contract, and the error names the field.
import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/observability/secret.js';
import { envelope, inventorySchema, numericValue } from '../../src/makini/workflow/entities.js';
import { MakiniError } from '../../src/makini/errors.js';
import { makiniRequest } from '../../src/makini/http.js';
import { differingFields, pendingChanges, sameValue } from '../../src/writes/workflow/engine/field-values.js';

const answering = (body: unknown) =>
  (async () => new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } })) as typeof fetch;
const getInventory = (body: unknown) =>
  makiniRequest(
    { baseUrl: 'http://127.0.0.1:1', timeoutMs: 1_000, fetch: answering(body) },
    { method: 'GET', path: '/api/eam/inventories/inv-1', token: new Secret('tok') },
    envelope(inventorySchema),
  );

describe('numbers as systems type them', () => {
  it('"7.500" equals 7.5, "50.000" equals 50, and two strings still compare as text (codes)', () => {
    expect(sameValue('7.500', 7.5)).toBe(true);
    expect(sameValue(50, '50.000')).toBe(true);
    expect(sameValue(' 12.50 ', 12.5)).toBe(true);
    expect(sameValue('7.501', 7.5)).toBe(false);
    expect(sameValue('abc', 7.5)).toBe(false);
    expect(sameValue('', 0)).toBe(false);
    expect(sameValue('007', '7')).toBe(false);
    expect(differingFields({ quantity: '57.000', unitCost: '12.500' }, { quantity: 57, unitCost: 12.5 })).toEqual([]);
    expect(pendingChanges({ quantity: '57.000' }, { quantity: 58 })).toEqual({ quantity: 58 });
  });

  it('a day with and without a time is the same day; two times compare as instants', () => {
    expect(sameValue('2026-03-01', '2026-03-01T00:00:00.000000Z')).toBe(true);
    expect(sameValue('2026-03-01', '2026-03-01T05:00:00+02:00')).toBe(true);
    expect(sameValue('2026-03-01', '2026-03-02T00:00:00Z')).toBe(false);
    expect(sameValue('2026-03-01T10:00:00Z', '2026-03-01T12:00:00+02:00')).toBe(true);
    expect(sameValue('2026-03-01T10:00:00Z', '2026-03-01T10:00:01Z')).toBe(false);
  });

  it('asks the workflow rule (its patch) only where a loose value changes the verdict', () => {
    let asked = 0;
    const old = () => {
      asked += 1;
      return false;
    };
    expect(sameValue('7.5', 7.5, old)).toBe(true);
    expect(sameValue('x', 'y', old)).toBe(false);
    expect(asked).toBe(0);
    expect(sameValue('7.500', 7.5, old)).toBe(false); // a history from before the rule compares as it did
    expect(asked).toBe(1);
  });

  it('numericValue reads numbers and numeric strings only', () => {
    expect(['7.500', '-3', '.5', '1e3', 4, ' 2 '].map(numericValue)).toEqual([7.5, -3, 0.5, 1000, 4, 2]);
    expect(['abc', '', '1,5', '0x10', 'NaN', Infinity, null, true].map(numericValue)).toEqual(Array(8).fill(undefined));
  });

  it('an inventory answered with "50.000" and "7.500" parses, as the system sent it', async () => {
    const res = await getInventory({ data: { key: 'inv-1', quantity: '50.000', unitCost: '7.500', updatedAt: '2026-01-01' } });
    expect(res.data.data).toMatchObject({ quantity: '50.000', unitCost: '7.500' });
  });

  it('"abc" in a numeric field breaks the contract, naming the field', async () => {
    const err = await getInventory({ data: { key: 'inv-1', quantity: 'abc' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MakiniError);
    expect((err as MakiniError).info).toMatchObject({ type: 'MakiniMalformedResponse' });
    expect((err as MakiniError).message).toMatch(/breaks the contract \(data\.quantity: expected a number or a numeric string\)/);
  });
});
