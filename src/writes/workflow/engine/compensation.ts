// Saga bookkeeping: each undo is registered BEFORE the call it undoes (a call that timed out may
// have landed), and every undo is idempotent (it looks before it acts).

export interface Undo {
  /** What the undo does, for the failure report ("cancel purchase order PO-42"). */
  description: string;
  /** Resolves with what it did (including "nothing to undo"); throws when it could not undo. */
  run: () => Promise<string>;
}

/** What running every undo did. */
export interface CompensationReport {
  /** One line per undo, last registered first: what it did, or why it failed. */
  report: string[];
  /**
   * The undos that did not finish: what they were to undo is (or may still be) in the system.
   * Empty means everything written has been undone; otherwise the write must not be reported as
   * compensated, because a person has to finish the undo.
   */
  failed: string[];
}

/** Undo stack of one workflow run. */
export class Compensations {
  private readonly undos: Undo[] = [];

  register(undo: Undo): void {
    this.undos.push(undo);
  }

  /** Runs every undo, last first; never throws (a failed undo is reported, and the next still runs). */
  async runAll(): Promise<CompensationReport> {
    const report: string[] = [];
    const failed: string[] = [];
    for (const undo of [...this.undos].reverse()) {
      try {
        report.push(await undo.run());
      } catch (err) {
        const line = `${undo.description}: FAILED (${err instanceof Error ? err.message : String(err)}); needs manual attention`;
        report.push(line);
        failed.push(line);
      }
    }
    this.undos.length = 0;
    return { report, failed };
  }
}
