// The saga's report: which undos finished and which did not decides whether a write may be
// reported as compensated (the workflow's failure type comes from `failed`).
import { describe, expect, it } from 'vitest';
import { Compensations } from '../../src/writes/workflow/engine/compensation.js';

describe('Compensations.runAll', () => {
  it('runs every undo last first and reports each', async () => {
    const saga = new Compensations();
    const ran: string[] = [];
    saga.register({ description: 'cancel header', run: async () => (ran.push('header'), 'cancelled header H-1') });
    saga.register({ description: 'remove line 1', run: async () => (ran.push('line'), 'nothing to undo') });
    expect(await saga.runAll()).toEqual({ report: ['nothing to undo', 'cancelled header H-1'], failed: [] });
    expect(ran).toEqual(['line', 'header']);
  });

  it('a failed undo is listed as failed, and the undos after it still run', async () => {
    const saga = new Compensations();
    let headerUndone = false;
    saga.register({ description: 'cancel header', run: async () => ((headerUndone = true), 'cancelled header H-1') });
    saga.register({
      description: 'cancel line 2',
      run: async () => {
        throw new Error('409 CONFLICT: locked');
      },
    });
    const { report, failed } = await saga.runAll();
    expect(failed).toEqual(['cancel line 2: FAILED (409 CONFLICT: locked); needs manual attention']);
    expect(report).toEqual([failed[0], 'cancelled header H-1']);
    expect(headerUndone).toBe(true);
  });

  it('runs each undo once: a second runAll has nothing left to run', async () => {
    const saga = new Compensations();
    let runs = 0;
    saga.register({ description: 'cancel header', run: async () => `run ${++runs}` });
    await saga.runAll();
    expect(await saga.runAll()).toEqual({ report: [], failed: [] });
    expect(runs).toBe(1);
  });
});
