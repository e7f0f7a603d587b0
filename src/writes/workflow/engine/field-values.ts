// Comparing what a write sends with what a read returns (workflow code: pure, no I/O).
import { numericValue } from '../../../makini/workflow/entities.js';

const ISO_DATE = /^\d{4}-\d{2}-\d{2}/;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const isIsoDate = (s: string) => ISO_DATE.test(s) && !Number.isNaN(Date.parse(s));

/**
 * Whether values systems type loosely may be judged equal by meaning (a number and its numeric
 * string, a day with and without a time). Workflows pass `() => patched(...)` so that histories
 * recorded before this rule replay as they ran; it is asked only where it changes the verdict.
 * Outside a workflow (tests, activities): always.
 */
export type LooseValuesRule = () => boolean;
const always: LooseValuesRule = () => true;

/**
 * Equal as a system would store it: same text, same number (`7.5` equals `"7.500"`: systems keep
 * decimals as numeric strings), same day or instant (`2025-03-01` equals `2025-03-01T00:00:00Z`:
 * a date without a time is a day, whatever time the system adds), same JSON. Two strings are
 * compared as text (`"007"` is not `"7"`: codes), a number with a string by value.
 */
export function sameValue(a: unknown, b: unknown, loose: LooseValuesRule = always): boolean {
  if (a === b) return true;
  if (a == null || b == null) return false;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  if (typeof a === 'string' && typeof b === 'string' && isIsoDate(a) && isIsoDate(b)) {
    if (Date.parse(a) === Date.parse(b)) return true;
    return (DATE_ONLY.test(a) || DATE_ONLY.test(b)) && a.slice(0, 10) === b.slice(0, 10) && loose();
  }
  if (String(a) === String(b)) return true;
  if (typeof a !== 'number' && typeof b !== 'number') return false;
  const na = numericValue(a);
  return na !== undefined && na === numericValue(b) && loose();
}

/** The entries of `wanted` whose value `current` does not already have. */
export function pendingChanges(
  current: Record<string, unknown>,
  wanted: Record<string, unknown>,
  loose: LooseValuesRule = always,
): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(wanted).filter(([f, v]) => {
      if (f === 'customFields' && v && typeof v === 'object') {
        const have = (current.customFields ?? {}) as Record<string, unknown>;
        return Object.entries(v).some(([k, cv]) => !sameValue(have[k], cv, loose));
      }
      return !sameValue(current[f], v, loose);
    }),
  );
}

/** Fields of `sent` that `readBack` does not show (custom fields compared one by one). */
export function differingFields(
  readBack: Record<string, unknown>,
  sent: Record<string, unknown>,
  loose: LooseValuesRule = always,
): string[] {
  return Object.keys(pendingChanges(readBack, sent, loose));
}

export const hasOwn = (obj: object, key: string) => Object.prototype.hasOwnProperty.call(obj, key);

export const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
