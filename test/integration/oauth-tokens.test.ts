// OAuth tokens that renew themselves, on a real dev server and the sandbox over HTTP: the first
// tokens come from `oauth-connect` (the CLI, in process), the connection's control workflow
// refreshes them on durable timers before they expire, a write's 401 refreshes once and sends
// again, and no token ever reaches a workflow history (payloads decoded before searching).
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Payload } from '@temporalio/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_OAUTH_CLIENT } from '../../sandbox/oauth.js';
import { runCli } from '../../src/cli/run.js';
import { startCreatePurchaseOrder } from '../../src/client/index.js';
import { dataConverterFromSetting, payloadCodecFromSetting } from '../../src/codec/data-converter.js';
import { parseEncryptionKeys } from '../../src/codec/encryption-codec.js';
import { Secret } from '../../src/observability/secret.js';
import { FileTokenStore } from '../../src/config/token-store.js';
import { connectionControlWorkflowId } from '../../src/connections/workflow/messages.js';
import { temporalAddress, temporalNamespace } from '../support/temporal.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';
import { poInput } from '../support/po-input.js';

const KEYS = `it-1:${randomBytes(32).toString('base64')}`;
const codec = payloadCodecFromSetting(KEYS)!;
const REDIRECT_URI = 'https://app.example.com/makini/callback';

const po = (connectionId: string, idempotencyKey: string) => poInput(connectionId, idempotencyKey);

/** Every payload of a history decoded (the codec), plus the history's own JSON: what a token could hide in. */
async function historyText(handle: WorkflowHandle): Promise<string> {
  const history = await handle.fetchHistory();
  const parts: string[] = [JSON.stringify(history)];
  const visit = async (node: unknown): Promise<void> => {
    if (node === null || typeof node !== 'object') return;
    if (node instanceof Uint8Array) {
      parts.push(Buffer.from(node).toString('utf8'));
      return;
    }
    const o = node as Record<string, unknown>;
    if (o.metadata && typeof o.metadata === 'object' && o.data instanceof Uint8Array) {
      const [decoded] = await codec.decode([o as Payload]);
      parts.push(Buffer.from(decoded?.data ?? new Uint8Array()).toString('utf8'));
    }
    for (const v of Object.values(o)) await visit(v);
  };
  await visit(history);
  return parts.join('\n');
}

describe('OAuth tokens that renew themselves', () => {
  let stack: WriteStack;
  let client: Client;
  let taskQueue: string;
  let storeDir: string;
  let store: FileTokenStore;
  let env: Record<string, string>;

  /** `makini-writes oauth-connect` as an operator runs it, with this stack's settings. */
  const oauthConnect = (connectionId: string, code: string) =>
    cli(['oauth-connect', connectionId, '--redirect-uri', REDIRECT_URI, '--code', code]);

  /** A CLI command in this process, with this stack's settings as its environment. */
  async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
    const out: string[] = [];
    const err: string[] = [];
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const exit = await runCli(argv, {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
      });
      return { code: exit, out: out.join('\n'), err: err.join('\n') };
    } finally {
      for (const k of Object.keys(env)) delete process.env[k];
      Object.assign(process.env, saved);
    }
  }

  beforeAll(async () => {
    storeDir = join(await mkdtemp(join(tmpdir(), 'oauth-it-')), 'tokens');
    const settings = {
      MAKINI_CLIENT_ID: SANDBOX_OAUTH_CLIENT.clientId,
      MAKINI_CLIENT_SECRET: SANDBOX_OAUTH_CLIENT.clientSecret,
      MAKINI_OAUTH_STORE_DIR: storeDir,
      MAKINI_WRITES_ENCRYPTION_KEYS: KEYS,
    };
    stack = await startWriteStack({
      taskQueuePrefix: 'oauth',
      connections: [
        { id: 'oauth-renew', system: 'sap', oauth: true },
        { id: 'oauth-401', system: 'sap', oauth: true },
      ],
      dataConverter: dataConverterFromSetting(KEYS),
      worker: {
        oauth: {
          settings: {
            ...settings,
            MAKINI_CLIENT_SECRET: new Secret(SANDBOX_OAUTH_CLIENT.clientSecret),
          },
        },
      },
    });
    ({ client, taskQueue } = stack);
    store = new FileTokenStore({ dir: storeDir, keys: parseEncryptionKeys(KEYS) });
    const connectionsFile = join(storeDir, '..', 'connections.yaml');
    await writeFile(connectionsFile, JSON.stringify(stack.sb.connections));
    env = {
      ...settings,
      MAKINI_BASE_URL: stack.sb.sandbox.url,
      MAKINI_CONNECTIONS_FILE: connectionsFile,
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_NAMESPACE: temporalNamespace(),
      TEMPORAL_TASK_QUEUE: taskQueue,
    };
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('writes go on across three expiries (3 s tokens, writes over 13 s): no 401 pause, none failed; the control refreshed on its timers; no token in any history', async () => {
    const id = 'oauth-renew';
    const admin = stack.sb.sandbox.admin;
    const code = await admin.oauthCode(id, { accessLifetimeMs: 3_000, refreshLifetimeMs: 60_000 });
    const connected = await oauthConnect(id, code);
    expect(connected, connected.err).toMatchObject({ code: 0 });
    expect(connected.out).toMatch(/tokens stored; the access token expires 20\d\d-/);
    expect(`${connected.out}\n${connected.err}`).not.toContain(code);
    const first = (await store.read(id))!;

    const handles: Awaited<ReturnType<typeof startCreatePurchaseOrder>>[] = [];
    const startedAt = Date.now();
    for (let i = 0; i < 10; i += 1) {
      handles.push(await startCreatePurchaseOrder(client, po(id, `renew-${i}`), { taskQueue }));
      await new Promise((r) => setTimeout(r, 1_300));
    }
    const results = await Promise.all(handles.map((h) => h.result()));
    expect(Date.now() - startedAt).toBeGreaterThan(3 * 3_000);

    // Every write succeeded and none waited for a person (a 401 pause is a reauthorization wait).
    expect(results.map((r) => r.purchaseOrderKey).every(Boolean)).toBe(true);
    const waits = results.flatMap((r) => r.steps.flatMap((s) => s.waits.map((w) => w.cause)));
    expect(waits.filter((c) => /reauthoriz/.test(c))).toEqual([]);
    const log = await admin.requestLog(id);
    expect(log.filter((r) => r.status === 401 && r.method === 'POST')).toEqual([]);
    expect((await admin.state(id)).purchaseOrders).toHaveLength(10);

    // The tokens changed: the sandbox refreshed at least three times, and the store holds the newest.
    const oauth = (await admin.oauthState(id))!;
    expect(oauth.refreshes).toBeGreaterThanOrEqual(3);
    const last = (await store.read(id))!;
    expect(last.accessToken.reveal()).not.toBe(first.accessToken.reveal());
    expect(last.refreshToken.reveal()).not.toBe(first.refreshToken.reveal());
    expect(last.accessToken.reveal()).toBe(oauth.issued.at(-2));

    // The refreshes ran in the control workflow as activities (durable timers between them).
    const control = client.workflow.getHandle(connectionControlWorkflowId(taskQueue, id));
    const events = (await control.fetchHistory()).events ?? [];
    const refreshActivities = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'refreshConnectionToken');
    expect(refreshActivities.length).toBeGreaterThanOrEqual(4); // the first look, then at least three refreshes

    // Ops see the schedule.
    const status = await cli(['connection-status', id]);
    expect(status.out).toMatch(/oauth token: expires 20\d\d-.*; next refresh in \d+ s; last refreshed/);

    // No token (nor the authorization code) in any history: the writes' and the control's.
    const secrets = [...oauth.issued, code];
    for (const h of [...handles, control]) {
      const text = await historyText(h);
      for (const s of secrets) expect(text.includes(s), `${h.workflowId} holds a token`).toBe(false);
    }
  });

  it('a 401 (the access token expired early) makes the write refresh once and send again: it succeeds without waiting for a person', async () => {
    const id = 'oauth-401';
    const admin = stack.sb.sandbox.admin;
    const code = await admin.oauthCode(id, { accessLifetimeMs: 10 * 60_000 });
    expect((await oauthConnect(id, code)).code).toBe(0);
    await admin.expireOAuthTokens(id);

    const handle = await startCreatePurchaseOrder(
      client,
      { ...po(id, 'after-401'), retryBudget: { maxConnectionWaitMs: 60_000 } },
      { taskQueue },
    );
    const result = await handle.result();
    expect(result.purchaseOrderKey).toBeTruthy();
    const oauth = (await admin.oauthState(id))!;
    expect(oauth.refreshes).toBe(1);
    const log = await admin.requestLog(id);
    expect(log.filter((r) => r.status === 401)).toHaveLength(1);
    const waits = result.steps.flatMap((s: (typeof result.steps)[number]) => s.waits.map((w: { cause: string }) => w.cause));
    expect(waits).toContain('401: refreshed the OAuth token; sending again');
    expect(waits.filter((c) => /waited for reauthorization/.test(c))).toEqual([]);
    const text = await historyText(handle);
    for (const s of [...oauth.issued, code]) expect(text.includes(s)).toBe(false);
  });

  it('oauth-connect refuses a used code without printing it, and exits 1', async () => {
    const id = 'oauth-401';
    const code = await stack.sb.sandbox.admin.oauthCode(id, { accessLifetimeMs: 10 * 60_000 });
    expect((await oauthConnect(id, code)).code).toBe(0);
    const again = await oauthConnect(id, code);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/POST \/link\/token \(authorization code grant\) answered 400 invalid_grant/);
    expect(`${again.out}${again.err}`).not.toContain(code);
  });
});
