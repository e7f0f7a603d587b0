// The Runtime logger: JSON lines off a terminal, readable (and coloured) lines on one, secrets
// redacted in both, and the SDK bundler's webpack stats kept out of INFO (its warnings kept).
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { bundleWorkflowCode, LogTimestamp, type BundleOptions, type LogLevel } from '@temporalio/worker';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../../scripts/lib/node-ts.js';
import { chooseLogFormat, createRuntimeLogger, reclassifyEntry, type LogFormat } from '../../src/observability/logger.js';

const run = promisify(execFile);
type WebpackConfig = Parameters<NonNullable<BundleOptions['webpackConfigHook']>>[0];
const token = 'tok-acme-9f8e7d6c5b';
const at = 1_793_000_000_000_000_000n; // a workflow's own log time (nanoseconds)
const ESC = '\u001b';

/** A logger whose lines are captured. */
function captured(level: LogLevel, format: LogFormat, colors = false) {
  const lines: string[] = [];
  const logger = createRuntimeLogger(level, { format, colors, secrets: [token], write: (l) => lines.push(l) });
  return { logger, lines };
}

const callMeta = {
  [LogTimestamp]: at,
  sdkComponent: 'activity',
  workflowId: 'purchase-order/create/acme-sap/order-42',
  connectionId: 'acme-sap',
  requestId: 'req_9',
  taskToken: 'AAEC',
  headers: { authorization: `Bearer ${token}` },
  error: new Error(`refused ${token}`),
};

describe('chooseLogFormat', () => {
  it('is JSON off a terminal, pretty and coloured on one', () => {
    expect(chooseLogFormat({ isTTY: false }, {})).toEqual({ format: 'json', colors: false });
    expect(chooseLogFormat({}, {})).toEqual({ format: 'json', colors: false });
    expect(chooseLogFormat({ isTTY: true }, {})).toEqual({ format: 'pretty', colors: true });
    expect(chooseLogFormat({ isTTY: true }, { NO_COLOR: '1' })).toEqual({ format: 'pretty', colors: false });
  });

  it('is pretty when a parent shows the output on its terminal (FORCE_COLOR, as npm start sets it)', () => {
    expect(chooseLogFormat({ isTTY: false }, { FORCE_COLOR: '1' })).toEqual({ format: 'pretty', colors: true });
    expect(chooseLogFormat({ isTTY: false }, { FORCE_COLOR: '0' })).toEqual({ format: 'pretty', colors: false });
    expect(chooseLogFormat({ isTTY: false }, { FORCE_COLOR: '' })).toEqual({ format: 'json', colors: false });
  });
});

describe('createRuntimeLogger', () => {
  it('writes one JSON object per line: level, time (the entry’s own), message, attributes; secrets blanked', () => {
    const { logger, lines } = captured('INFO', 'json');
    logger.warn(`makini call failed: token ${token} rejected`, { ...callMeta, big: 5n, message: 'shadowed' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toContain('\n');
    expect(lines[0]).not.toContain(token);
    expect(JSON.parse(lines[0]!)).toEqual({
      level: 'WARN',
      time: new Date(1_793_000_000_000).toISOString(),
      message: 'makini call failed: token [redacted] rejected',
      sdkComponent: 'activity',
      workflowId: 'purchase-order/create/acme-sap/order-42',
      connectionId: 'acme-sap',
      requestId: 'req_9',
      taskToken: '[redacted]',
      headers: { authorization: '[redacted]' },
      error: { name: 'Error', message: 'refused [redacted]', stack: expect.stringContaining('refused [redacted]') },
      big: '5',
      attr_message: 'shadowed',
    });
  });

  it('writes readable lines (time, level, component, message, attributes) when pretty; secrets blanked', () => {
    const { logger, lines } = captured('INFO', 'pretty');
    logger.info(`makini call with ${token}`, { ...callMeta, error: undefined });
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    expect(() => JSON.parse(line)).toThrow();
    expect(line).toMatch(
      /^\[\d{2}:\d{2}:\d{2}\.\d{3}\] INFO: activity: makini call with \[redacted\] \{.*"workflowId":"purchase-order\/create\/acme-sap\/order-42"/,
    );
    expect(line).toContain('"requestId":"req_9"');
    expect(line).not.toContain(token);
    expect(line).not.toContain('taskToken'); // redacted anyway; not on every line a person reads
    expect(line).not.toContain(`${ESC}[`); // no colours asked for
  });

  it('colours pretty lines when asked, and redacts errors printed in full', () => {
    const { logger, lines } = captured('INFO', 'pretty', true);
    logger.error('write failed', { error: new Error(`refused ${token}`) });
    const text = lines.join('\n');
    expect(text).toMatch(new RegExp(`${ESC}\\[\\d+mERROR`));
    expect(text).toContain('refused [redacted]');
    expect(text).not.toContain(token);
  });

  it('applies the level', () => {
    const { logger, lines } = captured('WARN', 'json');
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.log('ERROR', 'e');
    expect(lines.map((l) => (JSON.parse(l) as { message: string }).message)).toEqual(['w', 'e']);
  });

  // The real thing: a process whose stdout is a pipe, then a terminal (util-linux `script`).
  const loader = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const child = (lines: number) =>
    `const { createRuntimeLogger } = await import(${JSON.stringify(join(repoRoot, 'src/observability/logger.ts'))});` +
    `const l = createRuntimeLogger('INFO', { secrets: [${JSON.stringify(token)}] });` +
    `for (let i = 0; i < ${lines}; i++) l.info('line ' + i + ' ${token}', { i });` +
    'process.exit(0);'; // right away: every line must already be written
  const childArgs = (lines: number) => ['--import', loader, '--input-type=module', '-e', child(lines)];

  it('picks JSON for a pipe and loses no line on exit', async () => {
    const { NO_COLOR: _n, FORCE_COLOR: _f, ...env } = process.env;
    const { stdout } = await run(process.execPath, childArgs(2000), { env, maxBuffer: 64 * 1024 * 1024 });
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2000);
    expect(JSON.parse(lines[1999]!)).toMatchObject({ level: 'INFO', message: 'line 1999 [redacted]', i: 1999 });
    expect(stdout).not.toContain(token);
  });

  // util-linux `script` runs a command on a pseudo-terminal (absent on some systems: skipped there).
  const script = (process.env.PATH ?? '')
    .split(delimiter)
    .map((d) => join(d, 'script'))
    .find((p) => existsSync(p) && spawnSync(p, ['--version']).status === 0);
  it.skipIf(!script)(
    'picks coloured readable lines for a terminal (skipped where util-linux `script` is missing: no pseudo-terminal)',
    async () => {
      const { NO_COLOR: _n, FORCE_COLOR: _f, ...env } = process.env;
      const command = [process.execPath, ...childArgs(3)].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      const { stdout } = await run(script!, ['-qec', command, '/dev/null'], { env });
      expect(stdout).toContain(`${ESC}[32mINFO${ESC}[39m`);
      expect(stdout).toMatch(/line 2 \[redacted\]/);
      expect(stdout).not.toContain('{"level"');
      expect(stdout).not.toContain(token);
    },
  );
});

describe('bundler output', () => {
  const stats = (summary: string, warnings = '') =>
    `asset workflow-bundle-8c1f.js 1.21 MiB [emitted] (name: main)\nruntime modules 937 bytes 4 modules\n` +
    `modules by path ./node_modules/@temporalio/ 312 KiB 41 modules\n${warnings}\n${summary}`;

  it('moves webpack stats to DEBUG and keeps its warnings at WARN', () => {
    expect(reclassifyEntry('INFO', stats('webpack 5.112.2 compiled successfully in 2345 ms'))).toEqual([
      { level: 'DEBUG', message: expect.stringContaining('asset workflow-bundle') },
    ]);
    const withWarning = stats(
      'webpack 5.112.2 compiled with 1 warning in 2345 ms',
      'WARNING in ./src/x.js 3:9-22\nCritical dependency: the request of a dependency is an expression\n',
    );
    const out = reclassifyEntry('INFO', withWarning);
    expect(out.map((e) => e.level)).toEqual(['WARN', 'DEBUG']);
    expect(out[0]!.message).toMatch(/^workflow bundle built with 1 webpack warning\(s\):\nWARNING in \.\/src\/x\.js/);
    expect(out[0]!.message).toContain('Critical dependency');
    expect(out[0]!.message).not.toContain('asset workflow-bundle');
    // Errors (the SDK logs them at ERROR) and every other message pass unchanged.
    expect(reclassifyEntry('ERROR', stats('webpack 5.112.2 compiled with 1 error in 9 ms'))).toHaveLength(1);
    expect(reclassifyEntry('ERROR', stats('webpack 5.112.2 compiled with 1 error in 9 ms'))[0]!.level).toBe('ERROR');
    expect(reclassifyEntry('INFO', 'Workflow bundle created')).toEqual([{ level: 'INFO', message: 'Workflow bundle created' }]);
  });

  it('a healthy start logs no WARN: the activity-only write-calls worker says it polls no workflows at INFO', () => {
    const message = 'No workflows registered, not polling for workflow tasks';
    expect(reclassifyEntry('WARN', message)).toEqual([{ level: 'INFO', message }]);
    expect(reclassifyEntry('WARN', 'Activity heartbeat failed')).toEqual([{ level: 'WARN', message: 'Activity heartbeat failed' }]);
  });

  // The SDK's bundler itself, on a small workflows file (inside the repo, so that @temporalio/workflow resolves).
  const dir = join(repoRoot, 'node_modules', '.cache', 'makini-writes-logger-test');
  mkdirSync(dir, { recursive: true });
  const tmp = mkdtempSync(join(dir, 'wf-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  const file = join(tmp, 'workflows.js');
  writeFileSync(file, "exports.hello = async function hello() { return 'hello'; };\n");
  /** A webpack plugin adding one warning to the compilation, as a workflow dependency might cause. */
  const warningHook = (config: WebpackConfig): WebpackConfig => ({
    ...config,
    plugins: [
      ...(config.plugins ?? []),
      {
        apply(compiler) {
          compiler.hooks.thisCompilation.tap('makini-writes-test', (compilation) => {
            compilation.warnings.push(new compiler.webpack.WebpackError('makini-writes test: a dependency the bundler warns about'));
          });
        },
      },
    ],
  });
  const bundle = async (level: LogLevel, webpackConfigHook?: (c: WebpackConfig) => WebpackConfig) => {
    const { logger, lines } = captured(level, 'json');
    await bundleWorkflowCode({ workflowsPath: file, logger, ...(webpackConfigHook ? { webpackConfigHook } : {}) });
    return lines.map((l) => JSON.parse(l) as { level: string; message: string });
  };

  it('logs no webpack stats at INFO, and all of them at DEBUG', async () => {
    const info = await bundle('INFO');
    expect(info.map((e) => e.message)).toEqual(['Workflow bundle created']);
    const debug = await bundle('DEBUG');
    expect(debug.some((e) => e.level === 'DEBUG' && /webpack [\d.]+ compiled successfully/.test(e.message))).toBe(true);
  }, 120_000);

  it('keeps a real bundler warning at WARN (and at LOG_LEVEL=WARN), without the stats', async () => {
    for (const level of ['INFO', 'WARN'] as const) {
      const lines = await bundle(level, warningHook);
      const warnings = lines.filter((e) => e.level === 'WARN');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).toBe(
        'workflow bundle built with 1 webpack warning(s):\nWARNING in makini-writes test: a dependency the bundler warns about',
      );
      expect(lines.some((e) => e.message.includes('asset workflow-bundle'))).toBe(false);
    }
  }, 120_000);
});
