// Comparing what a write sends with what a read returns (workflow code: pure, no I/O).

const isIsoDate = (s: string) => /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s));

/** Equal as a system would store it: same text, same number, same instant, same JSON. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a == null || b == null) return false;
  if (typeof a === 'object' || typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  if (typeof a === 'string' && typeof b === 'string' && isIsoDate(a) && isIsoDate(b)) return Date.parse(a) === Date.parse(b);
  return String(a) === String(b);
}

/** The entries of `wanted` whose value `current` does not already have. */
export function pendingChanges(current: Record<string, unknown>, wanted: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(wanted).filter(([f, v]) => {
      if (f === 'customFields' && v && typeof v === 'object') {
        const have = (current.customFields ?? {}) as Record<string, unknown>;
        return Object.entries(v).some(([k, cv]) => !sameValue(have[k], cv));
      }
      return !sameValue(current[f], v);
    }),
  );
}

/** Fields of `sent` that `readBack` does not show (custom fields compared one by one). */
export function differingFields(readBack: Record<string, unknown>, sent: Record<string, unknown>): string[] {
  return Object.keys(pendingChanges(readBack, sent));
}

export const hasOwn = (obj: object, key: string) => Object.prototype.hasOwnProperty.call(obj, key);

export const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
