// How often a write waiting for its connection looks again without a signal (src/connections/workflow/waits.ts).
import { describe, expect, it } from 'vitest';
import { CONNECTION_RECHECK_MAX_MS, CONNECTION_RECHECK_MS, recheckAfter } from '../../src/connections/workflow/waits.js';

const HOUR = 3_600_000;

describe('recheckAfter', () => {
  it('looks again after 10 minutes until the write has waited 100 minutes, then after a tenth of its wait, at most 6 h', () => {
    expect(recheckAfter(0)).toBe(CONNECTION_RECHECK_MS);
    expect(recheckAfter(100 * 60_000)).toBe(CONNECTION_RECHECK_MS);
    expect(recheckAfter(20 * HOUR)).toBe(2 * HOUR);
    expect(recheckAfter(60 * HOUR)).toBe(CONNECTION_RECHECK_MAX_MS);
    expect(recheckAfter(30 * 24 * HOUR)).toBe(6 * HOUR);
  });

  it('makes about 160 rechecks in 30 days (4,320 at a fixed 10 minutes: 56,000 history events, past the 51,200 limit)', () => {
    let waited = 0;
    let rechecks = 0;
    while (waited < 30 * 24 * HOUR) {
      waited += recheckAfter(waited);
      rechecks += 1;
    }
    expect(rechecks).toBeGreaterThan(140);
    expect(rechecks).toBeLessThan(170);
  });
});
