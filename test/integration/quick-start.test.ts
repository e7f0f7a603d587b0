// The README's quick start, as a user runs it: `npm start` brings up the dev server, the UI, the
// sandbox and the worker; the first-write command it prints works; Ctrl-C stops everything.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/dev-server.js';
import { nodeTs, repoRoot } from '../../scripts/lib/node-ts.js';

async function waitFor(what: string, check: () => boolean, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('quick start (npm start)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'makini-writes-start-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('starts server, UI, sandbox and worker; the printed first write succeeds; Ctrl-C stops all', async () => {
    const [port, uiPort, sandboxPort] = [await freePort(), await freePort(), await freePort()];
    // A user's shell: none of the settings that would point at another server or Makini.
    const { TEMPORAL_ADDRESS: _a, MAKINI_BASE_URL: _m, MAKINI_CONNECTIONS_FILE: _c, TEMPORAL_TASK_QUEUE: _q, ...userEnv } = process.env;
    const env = {
      ...userEnv,
      TEMPORAL_PORT: String(port),
      TEMPORAL_UI_PORT: String(uiPort),
      SANDBOX_PORT: String(sandboxPort),
      MAKINI_WRITES_DATA_DIR: dir,
    };
    const start = spawn(process.execPath, [join(repoRoot, 'scripts', 'bootstrap.mjs'), 'start'], {
      cwd: repoRoot,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    start.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
    });
    start.stderr!.on('data', (b: Buffer) => {
      out += b.toString();
    });
    const exited = new Promise<number | null>((resolve) => start.on('exit', (code) => resolve(code)));
    try {
      await waitFor('the worker to poll', () => out.includes('[worker] polling'));
      expect(out).toMatch(new RegExp(`Temporal UI\\s+http://(localhost|127\\.0\\.0\\.1):${uiPort}`));
      expect((await fetch(`http://127.0.0.1:${uiPort}/`)).status).toBe(200);
      expect(out).toContain('npm run cli -- start createPurchaseOrder examples/purchase-order.sap.json --wait');

      // The first write the banner suggests, through the real CLI.
      const [node, args] = nodeTs('src/cli/main.ts', ['start', 'createPurchaseOrder', 'examples/purchase-order.sap.json', '--wait']);
      const cli = spawnSync(node, args, {
        cwd: repoRoot,
        env: { ...env, TEMPORAL_ADDRESS: `localhost:${port}` },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(cli.stderr).not.toMatch(/error/i);
      expect(cli.status).toBe(0);
      expect(cli.stdout).toContain('"purchaseOrderKey"');
      expect(cli.stdout).toMatch(/create purchase order with 2 lines\s+succeeded/);

      // What a demo connection accepts, from the same shell: no MAKINI_CONNECTIONS_FILE to set.
      const [cnode, cargs] = nodeTs('src/cli/main.ts', ['capabilities', 'demo-sap', 'purchaseOrder', 'create']);
      const caps = spawnSync(cnode, cargs, { cwd: repoRoot, env, encoding: 'utf8', timeout: 60_000 });
      expect(caps.status, caps.stderr).toBe(0);
      expect(JSON.parse(caps.stdout)).toHaveProperty('required');
    } finally {
      start.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('[worker] stopped cleanly');
    expect(out).toContain('[start] stopped');
    // A healthy start warns about nothing (the activity-only write-calls worker included).
    expect(out).not.toMatch(/"level":"WARN"|\bWARN\b/);
    // Nothing is left listening.
    await expect(fetch(`http://127.0.0.1:${uiPort}/`)).rejects.toThrow();
    await expect(fetch(`http://127.0.0.1:${sandboxPort}/`)).rejects.toThrow();
  }, 240_000);
});
