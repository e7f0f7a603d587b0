// The connection gate's shared view: many calls on one connection cost one query, a fresh answer
// is reused only briefly, and what this process reports is seen by its next call.
import { describe, expect, it } from 'vitest';
import { GateViewCache } from '../../src/connections/gate-view-cache.js';

function setup(maxAgeMs = 1_000) {
  let now = 0;
  const asked: string[] = [];
  const pending: Array<(v: string) => void> = [];
  const cache = new GateViewCache<string>({
    fetch: (key) => {
      asked.push(key);
      return new Promise((resolve) => pending.push(resolve));
    },
    maxAgeMs,
    now: () => now,
  });
  const answer = async (v: string) => {
    pending.shift()!(v);
    await Promise.resolve();
  };
  return {
    cache,
    asked,
    answer,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

describe('connection gate view cache', () => {
  it('joins concurrent calls on one connection into one query', async () => {
    const { cache, asked, answer } = setup();
    const calls = Array.from({ length: 500 }, () => cache.get('conn-a'));
    await answer('open');
    expect(await Promise.all(calls)).toEqual(Array(500).fill('open'));
    expect(asked).toEqual(['conn-a']);
  });

  it('asks each connection separately', async () => {
    const { cache, asked, answer } = setup();
    const a = cache.get('conn-a');
    const b = cache.get('conn-b');
    await answer('a-view');
    await answer('b-view');
    expect([await a, await b]).toEqual(['a-view', 'b-view']);
    expect(asked).toEqual(['conn-a', 'conn-b']);
  });

  it('reuses an answer until it is maxAgeMs old, then asks again, serving the old answer until the fresh one is in', async () => {
    const { cache, asked, answer, advance } = setup(1_000);
    const first = cache.get('conn-a');
    advance(5_000); // a slow query: the age counts from the answer, not from the question
    await answer('paused');
    await first;
    advance(999);
    expect(await cache.get('conn-a')).toBe('paused');
    expect(asked).toHaveLength(1);
    advance(1);
    // Calls do not wait for the routine refresh (they would pile up behind a slow query and then go at once).
    expect(await cache.get('conn-a')).toBe('paused');
    expect(await cache.get('conn-a')).toBe('paused');
    expect(asked).toHaveLength(2); // one refresh, not one per call
    await answer('clear');
    expect(await cache.get('conn-a')).toBe('clear');
    expect(asked).toHaveLength(2);
  });

  it('a report during a refresh wins over the refresh', async () => {
    const { cache, asked, answer, advance } = setup(1_000);
    const first = cache.get('conn-a');
    await answer('open');
    await first;
    advance(1_000);
    expect(await cache.get('conn-a')).toBe('open'); // refresh in flight
    cache.refreshAfter('conn-a', Promise.resolve());
    const after = cache.get('conn-a');
    await answer('refreshed-before-report');
    await new Promise((r) => setImmediate(r));
    await answer('after-report');
    expect(await after).toBe('after-report');
    expect(await cache.get('conn-a')).toBe('after-report');
    expect(asked).toHaveLength(3);
  });

  it('after a report, calls wait for it and then see a fresh answer; a query in flight then does not bring the old view back', async () => {
    const { cache, asked, answer } = setup();
    const stale = cache.get('conn-a');
    let reported!: () => void;
    cache.refreshAfter(
      'conn-a',
      new Promise<void>((resolve) => {
        reported = resolve;
      }),
    );
    const during = cache.get('conn-a');
    await answer('before-report');
    expect(await stale).toBe('before-report');
    expect(asked).toHaveLength(1); // nothing asked until the report is through
    reported();
    await new Promise((r) => setImmediate(r));
    expect(asked).toHaveLength(2);
    await answer('after-report');
    expect(await during).toBe('after-report');
    expect(await cache.get('conn-a')).toBe('after-report');
    expect(asked).toHaveLength(2);
  });

  it('asks again after a report that failed to go through', async () => {
    const { cache, asked, answer } = setup();
    cache.refreshAfter('conn-a', Promise.reject(new Error('Temporal unreachable')));
    const view = cache.get('conn-a');
    await new Promise((r) => setImmediate(r));
    await answer('fresh');
    expect(await view).toBe('fresh');
    expect(asked).toEqual(['conn-a']);
  });

  it('does not keep a failed query: the next call asks again', async () => {
    let calls = 0;
    const cache = new GateViewCache<string>({
      fetch: async () => {
        calls += 1;
        if (calls === 1) throw new Error('unreachable');
        return 'view';
      },
      maxAgeMs: 60_000,
    });
    await expect(cache.get('conn-a')).rejects.toThrow('unreachable');
    expect(await cache.get('conn-a')).toBe('view');
    expect(calls).toBe(2);
  });
});
