// Where a work-order create carries the idempotency key, per built-in profile.
import { describe, expect, it } from 'vitest';
import { carriesReference, referenceCarrier, withReference } from '../../src/writes/work-orders/workflow/reference.js';
import { loadBuiltinProfiles } from '../../src/profiles/load-profiles.js';
import { applyOverrides } from '../../src/profiles/overrides.js';

const builtins = loadBuiltinProfiles();
const profile = (system: string) => builtins.get(system)!;

describe('work-order reference carrier', () => {
  it('writes the reference field where the system takes it, a marker in a free-text field where it does not', () => {
    const carriers = Object.fromEntries([...builtins.keys()].sort().map((s) => [s, referenceCarrier(profile(s), 'wo-1')]));
    expect(carriers.sap).toEqual({ mode: 'field', field: 'code' });
    expect(carriers.maximo).toEqual({ mode: 'field', field: 'code' });
    expect(carriers.emaint).toEqual({ mode: 'marker', field: 'description', marker: '[makini-writes:wo-1]' });
    expect(carriers['maintain-x']).toMatchObject({ mode: 'marker', field: 'description' });
    expect(carriers['service-channel']).toMatchObject({ mode: 'marker', field: 'description' });
    // Infor EAM takes neither code nor any free text in a create: an ambiguous create stops for a person.
    expect(carriers['infor-e']).toMatchObject({ mode: 'none', reason: expect.stringMatching(/infor-e takes neither/) });
    // NetSuite refuses work orders altogether.
    expect(carriers.netsuite?.mode).toBe('none');
  });

  it('follows connection overrides that open the reference field', () => {
    const opened = applyOverrides(profile('emaint'), { workOrder: { operations: { create: { addWritable: ['code'] } } } }, 'test');
    expect(referenceCarrier(opened, 'wo-1')).toEqual({ mode: 'field', field: 'code' });
  });

  it('appends the marker to the caller text and recognises only its own key', () => {
    const carrier = referenceCarrier(profile('emaint'), 'order-1');
    const body = withReference({ title: 't', description: 'pump noisy' }, carrier, 'order-1');
    expect(body.description).toBe('pump noisy\n\n[makini-writes:order-1]');
    expect(withReference({ title: 't' }, carrier, 'order-1').description).toBe('[makini-writes:order-1]');
    expect(carriesReference(body, carrier, 'order-1')).toBe(true);
    expect(carriesReference({ description: '[makini-writes:order-10]' }, carrier, 'order-1')).toBe(false);
  });
});
