// The progress bar of `bulk start --wait` (and `npm run chaos`): counts, percentage, ETA; redrawn
// on a terminal, a line now and then in a log.
import { describe, expect, it } from 'vitest';
import { createProgressBar, estimateRemainingMs, formatDuration, renderProgress } from '../../src/cli/progress.js';

describe('renderProgress', () => {
  it('shows the bar, percentage, done/total, the non-zero counts, elapsed time and the ETA', () => {
    const line = renderProgress({ done: 200, total: 500, counts: { succeeded: 190, failed: 10, rejected: 0 } }, 80_000, {
      label: 'writes',
      width: 10,
      ascii: true,
    });
    expect(line).toBe('writes [####------]  40% 200/500 · succeeded 190 · failed 10 · 1m 20s elapsed · ETA 2m 00s');
  });

  it('has no ETA before anything is done, and says done at the end', () => {
    expect(renderProgress({ done: 0, total: 40 }, 3_000, { width: 4 })).toBe('[░░░░]   0% 0/40 · 3s elapsed · ETA ?');
    expect(renderProgress({ done: 40, total: 40, note: 'run 2' }, 65_000, { width: 4 })).toBe(
      '[████] 100% 40/40 · 1m 05s elapsed · done · run 2',
    );
  });

  it('bases the ETA on what was done since it started watching', () => {
    // 100 were done before; 100 more in 50 s: 300 left take 150 s.
    expect(renderProgress({ done: 200, total: 500 }, 50_000, { width: 2, ascii: true, doneAtStart: 100 })).toContain('ETA 2m 30s');
  });
});

describe('estimateRemainingMs and formatDuration', () => {
  it('estimates from the rate so far', () => {
    expect(estimateRemainingMs(25, 100, 10_000)).toBe(30_000);
    expect(estimateRemainingMs(0, 100, 10_000)).toBeUndefined();
    expect(estimateRemainingMs(10, 100, 10_000, 10)).toBeUndefined();
    expect(estimateRemainingMs(100, 100, 10_000)).toBe(0);
  });

  it('prints seconds, minutes and hours', () => {
    expect(formatDuration(42_400)).toBe('42s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
    expect(formatDuration(-5)).toBe('0s');
  });
});

describe('createProgressBar', () => {
  const stream = (isTTY: boolean, columns?: number) => {
    const writes: string[] = [];
    return { writes, isTTY, columns, write: (t: string) => writes.push(t) };
  };

  it('redraws one line on a terminal, then ends it', () => {
    let now = 0;
    const s = stream(true, 200);
    const bar = createProgressBar({ label: 'bulk', width: 4, stream: s, now: () => now });
    now = 10_000;
    bar.update({ done: 1, total: 4 });
    now = 20_000;
    bar.update({ done: 2, total: 4, counts: { failed: 1 } });
    bar.finish({ done: 4, total: 4, counts: { failed: 1 } });
    expect(s.writes).toEqual([
      '\rbulk [█░░░]  25% 1/4 · 10s elapsed · ETA ?\u001b[K',
      '\rbulk [██░░]  50% 2/4 · failed 1 · 20s elapsed · ETA 20s\u001b[K',
      '\rbulk [████] 100% 4/4 · failed 1 · 20s elapsed · done\u001b[K\n',
    ]);
  });

  it('cuts the line to the terminal width', () => {
    const s = stream(true, 30);
    const bar = createProgressBar({ stream: s, now: () => 0 });
    bar.update({ done: 1, total: 3, counts: { succeeded: 1 }, note: 'running acme-sap: 5, demo-sap: 2' });
    expect(s.writes[0]!.replace('\r', '').replace('\u001b[K', '')).toHaveLength(29);
  });

  it('off a terminal: plain lines, at most one per interval, only when the counts changed, and the last', () => {
    let now = 0;
    const s = stream(false);
    const bar = createProgressBar({ width: 4, stream: s, now: () => now, logIntervalMs: 10_000 });
    bar.update({ done: 0, total: 100 });
    now = 2_000;
    bar.update({ done: 5, total: 100 }); // too soon
    now = 12_000;
    bar.update({ done: 0 + 5, total: 100 }); // due, and changed since the last line
    now = 30_000;
    bar.update({ done: 5, total: 100 }); // due, but nothing changed
    now = 40_000;
    bar.finish({ done: 100, total: 100 });
    bar.update({ done: 100, total: 100 }); // after finish: nothing
    expect(s.writes).toEqual([
      '[----]   0% 0/100 · 0s elapsed · ETA ?\n',
      '[----]   5% 5/100 · 12s elapsed · ETA 3m 48s\n',
      '[####] 100% 100/100 · 40s elapsed · done\n',
    ]);
  });
});
