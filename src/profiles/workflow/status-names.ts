// The one status comparison: every status write and check (work-order status change, PO cancel and
// its compensation, lookups, read-backs, the profiles' state rules) compares statuses here.
//
// Makini lists an entity's statuses at GET /api/eam/statuses/<entity>, each with a `key`, a `code`
// and a `name` [spec: Status]; records carry `statusKey` (and work orders a `status` text) [spec].
// Which of key, code and name a record's `status` text holds is not published: systems differ
// (one reads back `statusKey: "WS-30"`, `status: "Completed"` for code `COMPL`). So a record is
// compared by its `statusKey` whenever it carries one, and only otherwise by its text against the
// status's code or name, normalised. Profiles' state rules name statuses by Makini's normalised
// names (`in-progress`, `completed`), matched against a status's code or name.
// Pure and workflow-safe (no I/O, no Node built-ins).
import { PO_STATUS_BODY_NAMES_BY } from '../../makini/workflow/contract.js';

/** Patch id of the workflows that compare statuses here (histories from before compare text). */
export const STATUS_COMPARISON_PATCH = 'one-status-comparison';

/** What is known of one status: any of its key, code and name. */
export interface StatusRef {
  key?: string;
  code?: string;
  name?: string;
}

/** A status as GET /statuses/<entity> lists it [spec: Status]. */
export interface StatusEntry extends StatusRef {
  key: string;
}

/** What a record says about its status. */
export interface RecordStatus {
  statusKey?: string;
  /** The record's status text (a name or a code, as the system has it). */
  status?: string;
}

/**
 * Case, surrounding space and separators (space, `_`, `-`, `.`, `/`) do not matter.
 * @example normaliseStatus(' Waiting_On  Approval ') // → 'waiting-on-approval'
 */
export function normaliseStatus(status: string): string {
  return status
    .trim()
    .toLowerCase()
    .replace(/[\s_\-./]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const texts = (s: StatusRef): string[] =>
  [s.code, s.name].filter((t): t is string => typeof t === 'string' && t.trim() !== '').map(normaliseStatus);

/**
 * The listed status a caller or a profile names: by key (exact) first, then by code, then by
 * name (both normalised).
 * @example findStatus([{ key: 'WS-30', code: 'COMPL', name: 'Completed' }], 'completed') // → that status
 */
export function findStatus<S extends StatusEntry>(statuses: readonly S[], named: string): S | undefined {
  const wanted = normaliseStatus(named);
  if (wanted === '') return undefined;
  return (
    statuses.find((s) => s.key === named) ??
    statuses.find((s) => typeof s.code === 'string' && normaliseStatus(s.code) === wanted) ??
    statuses.find((s) => typeof s.name === 'string' && normaliseStatus(s.name) === wanted)
  );
}

/**
 * The listed status a record is in: by its `statusKey` when it carries one the list knows, else
 * by its text (code, then name).
 */
export function statusOfRecord<S extends StatusEntry>(record: RecordStatus, statuses: readonly S[]): S | undefined {
  if (record.statusKey) {
    const byKey = statuses.find((s) => s.key === record.statusKey);
    if (byKey) return byKey;
  }
  if (!record.status) return undefined;
  const wanted = normaliseStatus(record.status);
  return (
    statuses.find((s) => typeof s.code === 'string' && normaliseStatus(s.code) === wanted) ??
    statuses.find((s) => typeof s.name === 'string' && normaliseStatus(s.name) === wanted)
  );
}

/**
 * Whether a record is in a status: by key when the record carries a `statusKey` and the status's
 * key is known (a key is never compared with a text); else the record's text against the status's
 * code or name, normalised.
 */
export function recordHasStatus(record: RecordStatus, target: StatusRef): boolean {
  if (record.statusKey && target.key) return record.statusKey === target.key;
  if (!record.status) return false;
  return texts(target).includes(normaliseStatus(record.status));
}

/**
 * Whether a status is the one a profile names (`approved`): its code or name, normalised. A bare
 * text (a record whose status could not be resolved) is compared as it is, normalised.
 */
export function statusIs(status: StatusRef | string | undefined, named: unknown): boolean {
  if (typeof named !== 'string' || status === undefined || status === null) return false;
  const wanted = normaliseStatus(named);
  if (typeof status === 'string') return normaliseStatus(status) === wanted;
  return typeof status === 'object' && texts(status).includes(wanted);
}

/** The name results and messages use: normalised name, else code, else key (`completed`). */
export function statusLabel(status: StatusRef | string): string {
  if (typeof status === 'string') return normaliseStatus(status);
  const text = [status.name, status.code].find((t) => typeof t === 'string' && t.trim() !== '');
  return text !== undefined ? normaliseStatus(text) : (status.key ?? 'unknown');
}

/**
 * The value of `{ status }` in PUT /purchase-orders/{key}/status for a status: what
 * PO_STATUS_BODY_NAMES_BY ([assumed], src/makini/workflow/contract.ts) prefers, else `fallback`.
 */
export function poStatusBodyValue(target: StatusRef, fallback: string): string {
  for (const field of PO_STATUS_BODY_NAMES_BY) {
    const value = target[field];
    if (typeof value === 'string' && value !== '') return value;
  }
  return fallback;
}
