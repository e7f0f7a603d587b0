// The decisions of an exactly-once inventory adjustment (docs/inventory-exactly-once.md), pure so
// that workflow and activities judge alike and unit tests can cover every case.
//
// The adjustment becomes an ABSOLUTE target (base quantity + delta) computed once and kept in the
// workflow's history; only that target is ever written, and only while the record is unchanged
// since the base was read. Writing the same absolute value twice is harmless, so the only danger
// left is deciding "not applied" when it was: each verdict below errs towards stopping.

/** What the guard compares: the quantity and the record's updatedAt. */
export interface InventoryVersion {
  quantity: number;
  updatedAt?: string;
}

/** Same quantity and (when both sides report one) same updatedAt: nobody wrote since `base` was read. */
export function unchangedSince(current: InventoryVersion, base: InventoryVersion): boolean {
  if (current.quantity !== base.quantity) return false;
  return current.updatedAt === undefined || base.updatedAt === undefined || current.updatedAt === base.updatedAt;
}

/** After a write whose answer was lost: did it land? */
export type LostAnswerVerdict = 'landed' | 'not-landed' | 'unknown';

export function judgeLostAnswer(current: InventoryVersion, base: InventoryVersion, target: number): LostAnswerVerdict {
  if (unchangedSince(current, base)) return 'not-landed';
  if (current.quantity === target) return 'landed';
  return 'unknown';
}

/** What to do after a guarded write (compare-and-set) answered. */
export type GuardedWriteVerdict =
  | { kind: 'applied'; by: 'this-run' | 'landed-before' }
  /** Someone else changed the record and no attempt of ours can have written: read again and recompute. */
  | { kind: 'recompute' }
  /** Cannot tell whether the delta is in the record: stop and let a person look. */
  | { kind: 'unknown'; why: string };

/**
 * @param mayHaveLanded an earlier attempt of this round lost its answer (timeout, 502/504, dropped connection)
 */
export function judgeGuardedWrite(
  written: boolean,
  current: InventoryVersion,
  base: InventoryVersion,
  target: number,
  mayHaveLanded: boolean,
): GuardedWriteVerdict {
  if (written) return { kind: 'applied', by: 'this-run' };
  if (mayHaveLanded) {
    if (current.quantity === target) return { kind: 'applied', by: 'landed-before' };
    return {
      kind: 'unknown',
      why:
        `an attempt whose answer was lost may have set ${target}, and the quantity is now ${current.quantity}: ` +
        'someone else changed it since, so whether this adjustment is in it cannot be told',
    };
  }
  if (current.quantity === target) {
    return {
      kind: 'unknown',
      why:
        `the quantity already equals the target ${target} although no attempt of this run wrote it ` +
        '(someone else set it, or the run was reset after its write): applying the delta again could count it twice',
    };
  }
  return { kind: 'recompute' };
}
