import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/makini/retry-after.js';

describe('parseRetryAfter (RFC 9110)', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:27:00 GMT');
  it.each([
    ['30', 30_000],
    ['0', 0],
    [' 5 ', 5_000],
    ['Wed, 21 Oct 2015 07:28:00 GMT', 60_000],
    ['Wednesday, 21-Oct-15 07:28:00 GMT', 60_000], // obsolete RFC 850 form
    ['Wed Oct 21 07:28:00 2015', 60_000], // asctime form: GMT by definition
    ['Wed, 21 Oct 2015 07:00:00 GMT', 0], // a date in the past means "now"
  ])('%s → %d ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });
  it.each(['', 'soon', '-5', '1.5', '30s', 'Mon, 99 Foo 2015 07:28:00 GMT', '2015-10-21T07:28:00Z', undefined, null])(
    'ignores garbage %j',
    (value) => expect(parseRetryAfter(value as string, now)).toBeUndefined(),
  );
  it('never throws and never returns a negative or non-finite delay', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseRetryAfter(s, now);
        return r === undefined || (Number.isFinite(r) && r >= 0);
      }),
    );
  });
});
