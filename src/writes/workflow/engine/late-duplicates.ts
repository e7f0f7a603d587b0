// The sweep for late duplicates. A create that was sent again after an unknown outcome waited its
// system's commit horizon first, but the horizon is a belief about the system, not a promise: the
// first request may still commit later (an SAP BAPI stuck behind a lock). So such a write looks
// once more when the horizon has passed again after the resend, and a second record carrying its
// idempotency key is undone the way its profile undoes (cancel by status); a system that cannot
// undo is reported with the record left. The result says `duplicatesUndone`; the search attribute
// MakiniLateDuplicate says `none`, `undone` or `left` (docs/operations.md: finding such writes).
// A line of a line-by-line PO and a work-order material sent again are swept the same way
// (`sweepLateChildDuplicates`): a second line of the lineNo, a second material of the material
// key; neither can be undone through Makini, so one found is reported, never left unsaid.
import { ApplicationFailure, patched, sleep, upsertSearchAttributes } from '@temporalio/workflow';
import { WriteFailureType } from '../../../failures/workflow/failure-types.js';
import { SA_LATE_DUPLICATE } from '../../../observability/workflow/search-attributes.js';
import type { StepRunner } from './step-runner.js';

/** Patch id of the late-duplicate sweep after a create that was sent again (see `patched`). */
export const LATE_DUPLICATE_SWEEP_PATCH = 'late-duplicate-sweep';

/** Patch id of the sweep for late duplicate PO lines and work-order materials (see `patched`). */
export const LATE_CHILD_SWEEP_PATCH = 'late-duplicate-sweep-lines-materials';

/** A record carrying the write's idempotency key, as the sweep sees it. */
export interface Carrier {
  key: string;
  status: string;
}

export interface SweepOptions {
  system: string;
  /** What the records are ("purchase order"). */
  what: string;
  /** The steps whose resend can leave a duplicate of this kind (the record's create). */
  steps: readonly string[];
  /** The record this write created and reports: kept. */
  kept: string;
  /** How the key is carried, for messages (`code=po-42`). */
  reference: string;
  /** Every record carrying the idempotency key (one step of the runner). */
  list: () => Promise<Carrier[]>;
  /** How a duplicate is undone: a status to set, or why it cannot be. */
  undo: { by: 'status'; status: string; run: (key: string) => Promise<unknown> } | { by: 'impossible'; reason: string };
}

const minutes = (ms: number) => (ms >= 120_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 1000).toFixed(1)} s`);

/**
 * When one of `steps` was sent again after an unknown outcome (and the patch is on): waits until
 * the system's commit horizon has passed again after the last such resend, on a durable timer
 * whose summary is `cause(horizon)`. Returns the wait, or undefined when there is nothing to sweep.
 */
async function waitPastHorizon(
  runner: StepRunner,
  steps: readonly string[],
  patch: string,
  cause: (horizon: string) => string,
): Promise<number | undefined> {
  const horizon = runner.commitHorizonMs;
  const resent = runner.resent.filter((r) => steps.includes(r.step));
  if (!resent.length || horizon === undefined || !patched(patch)) return undefined;
  const lastResend = Math.max(...resent.map((r) => r.resentAt));
  const waitMs = Math.max(lastResend + horizon - Date.now(), 1);
  upsertSearchAttributes([{ key: SA_LATE_DUPLICATE, value: 'looking' }]);
  await sleep(waitMs, { summary: cause(minutes(horizon)) });
  return waitMs;
}

/**
 * Says, in the search attribute, the step table and a typed failure, which late duplicates are
 * left: `head` names what was written and where, `kept` the record the write keeps.
 */
function reportLeft(
  runner: StepRunner,
  o: { head: string; kept: string; tail: string },
  left: readonly { key: string; why: string }[],
  undone: readonly string[],
): never {
  upsertSearchAttributes([{ key: SA_LATE_DUPLICATE, value: 'left' }]);
  runner.note('sweep for late duplicates', 'failed', `left ${left.map((l) => l.key).join(', ')}`);
  throw ApplicationFailure.create({
    type: WriteFailureType.lateDuplicateLeft,
    nonRetryable: true,
    message:
      `${o.head}: ` +
      left.map((l) => `${l.key} NOT undone (${l.why})`).join('; ') +
      (undone.length ? `; undone: ${undone.join(', ')}` : '') +
      `; ${o.tail}`,
    details: [{ kept: o.kept, leftInSystem: left.map((l) => l.key), duplicatesUndone: undone }],
  });
}

/**
 * Runs the sweep when the runner sent a create again after an unknown outcome; returns the keys of
 * the duplicates it undid (empty when it had nothing to do). Throws `LateDuplicateLeft` naming
 * each duplicate it could not undo.
 */
export async function sweepLateDuplicates(runner: StepRunner, o: SweepOptions): Promise<string[]> {
  const waitMs = await waitPastHorizon(
    runner,
    o.steps,
    LATE_DUPLICATE_SWEEP_PATCH,
    (horizon) =>
      `${o.what} ${o.kept} was sent again after an unknown outcome: the first request may still commit late; ` +
      `looking once more for a second ${o.what} with ${o.reference} when ${o.system}'s commit horizon (${horizon}) has passed again`,
  );
  if (waitMs === undefined) return [];
  const carriers = await o.list();
  const undoStatus = o.undo.by === 'status' ? o.undo.status : undefined;
  const duplicates = carriers.filter((c) => c.key !== o.kept && c.status !== undoStatus);
  if (!duplicates.length) {
    upsertSearchAttributes([{ key: SA_LATE_DUPLICATE, value: 'none' }]);
    runner.note('sweep for late duplicates', 'succeeded', `waited ${minutes(waitMs)}: no second ${o.what} with ${o.reference}`);
    return [];
  }
  const undone: string[] = [];
  const left: { key: string; why: string }[] = [];
  for (const d of duplicates) {
    if (o.undo.by === 'impossible') {
      left.push({ key: d.key, why: `${o.system} cannot undo a ${o.what}: ${o.undo.reason}` });
      continue;
    }
    try {
      await o.undo.run(d.key);
      undone.push(d.key);
    } catch (err) {
      left.push({ key: d.key, why: err instanceof Error ? err.message : String(err) });
    }
  }
  if (left.length) {
    const head = `${o.what} ${o.kept} was written, and a late duplicate with ${o.reference} is in ${o.system}`;
    reportLeft(runner, { head, kept: o.kept, tail: `cancel it by hand (the write itself is ${o.kept})` }, left, undone);
  }
  upsertSearchAttributes([{ key: SA_LATE_DUPLICATE, value: 'undone' }]);
  runner.note('sweep for late duplicates', 'succeeded', `undid ${undone.join(', ')} (status ${undoStatus ?? ''}); kept ${o.kept}`);
  return undone;
}

/** A line or material this write added, as the child sweep sees it. */
export interface AddedChild {
  /** The runner step that added it (`add line 3`). */
  step: string;
  /** Its key: kept (a material may come without one: then one of its id is kept). */
  key?: string;
  /** What a second one would repeat (the lineNo, the material key). */
  id: string;
}

export interface ChildSweepOptions {
  system: string;
  /** What the records are ("line", "material"). */
  what: string;
  /** How `id` is named in messages ("lineNo", "materialKey"). */
  idName: string;
  /** The record they belong to, named (`purchase order P-1`). */
  parent: string;
  /** Its key (the failure's `kept`). */
  parentKey: string;
  /** The children this write added (those sent again are swept). */
  added: readonly AddedChild[];
  /** Every child of the parent (one step of the runner). */
  list: () => Promise<{ key?: string; id: string }[]>;
  /** Why a second one cannot be undone (Makini publishes no DELETE, and no status for them). */
  cannotUndo: string;
}

/**
 * The sweep for late duplicate lines and materials: when a child was sent again after an unknown
 * outcome, looks once more a commit horizon after the last resend for a second child with the same
 * id. None: noted, `MakiniLateDuplicate = "none"`. Any: `LateDuplicateLeft` naming each one left
 * (and the one kept), `MakiniLateDuplicate = "left"`.
 */
export async function sweepLateChildDuplicates(runner: StepRunner, o: ChildSweepOptions): Promise<void> {
  const resent = new Set(runner.resent.map((r) => r.step));
  const swept = o.added.filter((a) => resent.has(a.step));
  const ids = swept.map((a) => `${o.idName} ${a.id}`).join(', ');
  const waitMs = await waitPastHorizon(
    runner,
    swept.map((a) => a.step),
    LATE_CHILD_SWEEP_PATCH,
    (horizon) =>
      `${o.what} ${ids} of ${o.parent} sent again after an unknown outcome: the first request may still commit late; ` +
      `looking once more for a second one when ${o.system}'s commit horizon (${horizon}) has passed again`,
  );
  if (waitMs === undefined) return;
  const children = await o.list();
  const left = swept.flatMap((a) => {
    const same = children.filter((c) => c.id === a.id);
    // The one this write kept: by its key, else (no key to tell them apart) the first listed.
    const others = a.key !== undefined ? same.filter((c) => c.key !== a.key) : same.slice(1);
    return others.map((c) => ({
      key: c.key ?? `${o.idName} ${a.id} (no key)`,
      why: `a second ${o.idName} ${a.id}; ${o.system} cannot undo a ${o.what}: ${o.cannotUndo}`,
    }));
  });
  if (left.length) {
    const head = `${o.parent} was written with each ${o.what} once, and a late duplicate ${o.what} is in ${o.system}`;
    const kept = swept.map((a) => `${a.key ?? 'no key'} (${o.idName} ${a.id})`).join(', ');
    reportLeft(runner, { head, kept: o.parentKey, tail: `remove it by hand (the write's own ${o.what}: ${kept})` }, left, []);
  }
  upsertSearchAttributes([{ key: SA_LATE_DUPLICATE, value: 'none' }]);
  runner.note('sweep for late duplicates', 'succeeded', `waited ${minutes(waitMs)}: no second ${o.what} of ${ids} on ${o.parent}`);
}
