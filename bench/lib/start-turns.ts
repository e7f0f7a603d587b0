// Start calls of benchmark variants that run side by side, issued in turn: one of each variant's,
// then the next of each. Issued as each variant's loop gets to them, the variant listed last had
// its first start call sent behind every other variant's (on one client: 100 start calls ahead
// of it in the rate benchmark), and its first write waited for them at the server (its start
// call 1.0 s, against 0.1 s for the variant listed first).
export class StartTurns {
  private readonly waiting = new Map<string, (() => void)[]>();
  private flushing = false;

  /** Resolves when it is `variant`'s turn to issue its next start call. */
  turn(variant: string): Promise<void> {
    return new Promise((resolve) => {
      const queue = this.waiting.get(variant) ?? [];
      queue.push(resolve);
      this.waiting.set(variant, queue);
      if (this.flushing) return;
      this.flushing = true;
      // Once every variant has asked for the turns it wants now (the same tick), hand them out in turn.
      setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    this.flushing = false;
    for (let handed = true; handed;) {
      handed = false;
      for (const queue of this.waiting.values()) {
        const next = queue.shift();
        if (next) {
          next();
          handed = true;
        }
      }
    }
  }
}
