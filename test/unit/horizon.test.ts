// When a create whose outcome is unknown looks again before it may send again: the settle delay,
// 30 s, 2 min, then its system's commit horizon; never past the horizon, never before the settle.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WRITE_TIMING, lookupSchedule } from '../../src/writes/workflow/engine/horizon.js';
import { loadBuiltinProfiles } from '../../src/profiles/load-profiles.js';
import { applyOverrides } from '../../src/profiles/overrides.js';

describe('the commit horizon', () => {
  it('looks at the settle delay, 30 s, 2 min and the horizon', () => {
    expect(lookupSchedule(5_000, 300_000)).toEqual([5_000, 30_000, 120_000, 300_000]);
    expect(lookupSchedule(5_000, 60_000)).toEqual([5_000, 30_000, 60_000]);
    // A horizon within the settle delay: one look after it, as before the horizon existed.
    expect(lookupSchedule(5_000, 100)).toEqual([5_000]);
    expect(lookupSchedule(40_000, 20 * 60_000)).toEqual([40_000, 120_000, 1_200_000]);
  });

  it('is 5 min unless the system is known to commit later (SAP 20 min, NetSuite 15 min), and a connection may change it', () => {
    const builtins = loadBuiltinProfiles();
    expect(DEFAULT_WRITE_TIMING).toEqual({ requestTimeoutMs: 20_000, settleMs: 5_000, commitHorizonMs: 300_000 });
    expect(builtins.get('sap')!.timing.commitHorizonMs).toBe(1_200_000);
    expect(builtins.get('netsuite')!.timing.commitHorizonMs).toBe(900_000);
    expect(builtins.get('emaint')!.timing).toEqual(DEFAULT_WRITE_TIMING);
    const shortened = applyOverrides(builtins.get('sap')!, { timing: { commitHorizonMs: 3_000 } }, 'connection "t"');
    expect(shortened.timing).toEqual({ requestTimeoutMs: 20_000, settleMs: 5_000, commitHorizonMs: 3_000 });
    expect(() => applyOverrides(builtins.get('sap')!, { timing: { commitHorizonMs: 0 } }, 'connection "t"')).toThrow(
      /overrides\.timing\.commitHorizonMs/,
    );
  });
});
