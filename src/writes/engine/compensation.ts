// Saga bookkeeping: each undo is registered BEFORE the call it undoes (a call that timed out may
// have landed), and every undo is idempotent (it looks before it acts).

export interface Undo {
  /** What the undo does, for the failure report ("cancel purchase order PO-42"). */
  description: string;
  run: () => Promise<string>;
}

/** Undo stack of one workflow run. */
export class Compensations {
  private readonly undos: Undo[] = [];

  register(undo: Undo): void {
    this.undos.push(undo);
  }

  /** Runs every undo, last first; returns what each did, never throws (a failed undo is reported). */
  async runAll(): Promise<string[]> {
    const report: string[] = [];
    for (const undo of [...this.undos].reverse()) {
      try {
        report.push(await undo.run());
      } catch (err) {
        report.push(`${undo.description}: FAILED (${err instanceof Error ? err.message : String(err)}); needs manual attention`);
      }
    }
    this.undos.length = 0;
    return report;
  }
}
