// Activities of the bench's own workflows (registered next to the production Makini activities).
export const benchActivities = {
  /** Does nothing: what a Temporal activity round trip costs on its own. */
  async noop(): Promise<void> {},
};
export type BenchActivities = typeof benchActivities;
