// Status names as the profiles' state rules spell them: Makini's normalised lowercase names
// (`in-progress`, `completed`), whatever casing or spacing a system's status list uses.

/**
 * `In Progress` → `in-progress`; `ON_HOLD` → `on-hold`; `completed` stays.
 * @example normaliseStatus('Waiting On Approval') // → 'waiting-on-approval'
 */
export function normaliseStatus(status: string): string {
  return status
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');
}
