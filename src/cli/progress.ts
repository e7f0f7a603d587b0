// A progress bar for long runs (`bulk start --wait`, `npm run chaos`): done/total, percentage,
// named counts, elapsed time and an ETA from the rate seen so far. On a terminal it redraws one
// line; elsewhere (CI logs, files) it prints a plain line now and then, never a flood.
//
//   const bar = createProgressBar({ label: 'writes' });
//   bar.update({ done: 120, total: 500, counts: { failed: 2 } });
//   bar.finish({ done: 500, total: 500, counts: { failed: 3 } });

/** Where a bar is drawn: a terminal (`isTTY`) is redrawn in place. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressState {
  done: number;
  total: number;
  /** Named counts shown after the bar, in order (`{ succeeded: 118, failed: 2 }`); zeros are left out. */
  counts?: Record<string, number>;
  /** Free text at the end (`running acme-sap: 5`). */
  note?: string;
}

/** `1h 02m`, `3m 05s`, `42s`. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, '0')}m`;
}

/**
 * Time left at the rate seen so far: `elapsedMs` for `done - doneAtStart` items. Undefined while
 * nothing has been done since the start (no rate yet); 0 once everything is done.
 */
export function estimateRemainingMs(done: number, total: number, elapsedMs: number, doneAtStart = 0): number | undefined {
  if (done >= total) return 0;
  const progressed = done - doneAtStart;
  if (progressed <= 0 || elapsedMs <= 0) return undefined;
  return (elapsedMs / progressed) * (total - done);
}

export interface RenderOptions {
  label?: string;
  /** Characters of the bar itself (default 24). */
  width?: number;
  /** `#`/`-` instead of block characters (for logs). */
  ascii?: boolean;
  /** Done when watching started (a resumed run): the ETA uses only what was done since. */
  doneAtStart?: number;
  /** How long `done - doneAtStart` took (default: `elapsedMs`). */
  rateElapsedMs?: number;
}

/**
 * One line: `writes [██████░░░░]  40% 200/500 · succeeded 190 · failed 10 · 1m 20s elapsed · ETA 2m 00s`.
 */
export function renderProgress(state: ProgressState, elapsedMs: number, opts: RenderOptions = {}): string {
  const { done, total } = state;
  const width = opts.width ?? 24;
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 1;
  const filled = Math.round(ratio * width);
  const [full, empty] = opts.ascii ? ['#', '-'] : ['█', '░'];
  const bar = `[${full.repeat(filled)}${empty.repeat(width - filled)}]`;
  const pct = `${String(Math.floor(ratio * 100)).padStart(3)}%`;
  const eta = estimateRemainingMs(done, total, opts.rateElapsedMs ?? elapsedMs, opts.doneAtStart);
  const parts = [
    `${opts.label ? `${opts.label} ` : ''}${bar} ${pct} ${done}/${total}`,
    ...Object.entries(state.counts ?? {})
      .filter(([, n]) => n > 0)
      .map(([name, n]) => `${name} ${n}`),
    `${formatDuration(elapsedMs)} elapsed`,
    done >= total ? 'done' : `ETA ${eta === undefined ? '?' : formatDuration(eta)}`,
    ...(state.note ? [state.note] : []),
  ];
  return parts.join(' · ');
}

export interface ProgressBarOptions extends Omit<RenderOptions, 'doneAtStart' | 'rateElapsedMs' | 'ascii'> {
  /** Default: stderr (stdout stays for results and `--json`). */
  stream?: ProgressStream;
  /** Clock (tests). */
  now?: () => number;
  /** Off a terminal: at most one line per this many ms (default 10 s), plus the last. */
  logIntervalMs?: number;
}

export interface ProgressBar {
  /** Shows the new state (redrawn on a terminal; a line now and then elsewhere). */
  update(state: ProgressState): void;
  /** The last state, and the line ends (call once, at the end). */
  finish(state?: ProgressState): void;
}

export function createProgressBar(opts: ProgressBarOptions = {}): ProgressBar {
  const stream = opts.stream ?? process.stderr;
  const now = opts.now ?? Date.now;
  const tty = stream.isTTY === true;
  const interval = opts.logIntervalMs ?? 10_000;
  const started = now();
  // The rate is measured from the first update (what was already done then is not this run's speed).
  let first: { at: number; done: number } | undefined;
  let last: ProgressState | undefined;
  let lastLogged: { at: number; text: string } | undefined;
  let finished = false;

  const line = (state: ProgressState) => {
    const at = now();
    first ??= { at, done: state.done };
    const text = renderProgress(state, at - started, { ...opts, ascii: !tty, doneAtStart: first.done, rateElapsedMs: at - first.at });
    if (!tty || !stream.columns) return text;
    // Cut to the terminal's width so the redraw stays on one line (the bar comes first).
    return [...text].slice(0, Math.max(10, stream.columns - 1)).join('');
  };
  return {
    update(state) {
      if (finished) return;
      last = state;
      if (tty) {
        stream.write(`\r${line(state)}\u001b[K`);
        return;
      }
      const text = line(state);
      const at = now();
      // The counts (not the clock) changed, and the last line is old enough.
      const key = `${state.done}/${state.total} ${JSON.stringify(state.counts ?? {})}`;
      if (lastLogged && (lastLogged.text === key || at - lastLogged.at < interval)) return;
      lastLogged = { at, text: key };
      stream.write(`${text}\n`);
    },
    finish(state) {
      if (finished) return;
      finished = true;
      const final = state ?? last;
      if (!final) return;
      stream.write(tty ? `\r${line(final)}\u001b[K\n` : `${line(final)}\n`);
    },
  };
}
