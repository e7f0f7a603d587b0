// `npm start` with MAKINI_WRITES_ENCRYPTION_KEYS set: a codec server on loopback wired into the
// dev server's Web UI (`--ui-codec-endpoint`), so that a local user sees a write's steps decoded.
// The dev server here is a real one with its UI (not the tests' headless one); the UI's requests
// are made as the UI makes them (its settings API, then POST <endpoint>/decode with Content-Type
// and X-Namespace, no token: a local UI has no sign-in).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startDevServer, type DevServer } from '../../scripts/lib/dev-server.js';
import { startUiCodecServer, type UiCodecServer } from '../../scripts/lib/ui-codec.js';
import { dataConverterFromSetting } from '../../src/codec/data-converter.js';

const keys = `k1:${randomBytes(32).toString('base64')}`;
const dir = mkdtempSync(join(tmpdir(), 'makini-writes-ui-codec-'));
let server: DevServer;
let codec: UiCodecServer;
let uiOrigin = '';

beforeAll(async () => {
  const uiPort = await freePort();
  codec = await startUiCodecServer({ keys, uiPort });
  server = await startDevServer({
    port: await freePort(),
    uiPort,
    dbFilename: join(dir, 'temporal.db'),
    logFile: join(dir, 'temporal.log'),
    uiCodecEndpoint: codec.endpoint,
  });
  uiOrigin = server.uiUrl!;
}, 120_000);
afterAll(async () => {
  await server?.stop();
  await codec?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** POST <endpoint>/decode as the Temporal UI without "pass access token" sends it. */
const decodeAsTheUi = (url: string, payloads: unknown[], origin = uiOrigin) =>
  fetch(`${url}/decode`, {
    method: 'POST',
    signal: AbortSignal.timeout(15_000),
    headers: { 'Content-Type': 'application/json', 'X-Namespace': 'default', Origin: origin },
    body: JSON.stringify({ payloads }),
  });

describe('npm start: the local UI reads encrypted steps through a loopback codec server', () => {
  it("is the dev server UI's codec endpoint, on loopback", async () => {
    expect(new URL(codec.endpoint).hostname).toBe('127.0.0.1');
    const settings = (await (await fetch(`${uiOrigin}/api/v1/settings`)).json()) as { Codec?: { Endpoint?: string } };
    expect(settings.Codec?.Endpoint).toBe(codec.endpoint);
  });

  it("decodes a write's encrypted summary as the UI asks for it, without a token", async () => {
    const connection = await Connection.connect({ address: server.address });
    try {
      const client = new Client({ connection, namespace: server.namespace, dataConverter: dataConverterFromSetting(keys) });
      const workflowId = `ui-codec-${randomBytes(3).toString('hex')}`;
      // No worker: the execution waits, its summary is in the server already, encrypted.
      await client.workflow.start('createPurchaseOrder', {
        workflowId,
        taskQueue: `ui-codec-${workflowId}`,
        args: [],
        staticSummary: 'Create purchase order demo-1 in demo-sap',
      });
      const described = await connection.workflowService.describeWorkflowExecution({
        namespace: server.namespace,
        execution: { workflowId },
      });
      const summary = described.executionConfig!.userMetadata!.summary!;
      expect(Buffer.from(summary.metadata!.encoding!).toString()).toBe('binary/encrypted');
      const asJson = {
        metadata: Object.fromEntries(Object.entries(summary.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')])),
        data: Buffer.from(summary.data!).toString('base64'),
      };
      const res = await decodeAsTheUi(codec.endpoint, [asJson]);
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(uiOrigin);
      const { payloads } = (await res.json()) as { payloads: { data: string }[] };
      expect(JSON.parse(Buffer.from(payloads[0]!.data, 'base64').toString())).toBe('Create purchase order demo-1 in demo-sap');
      await client.workflow.getHandle(workflowId).terminate('test done');
    } finally {
      await connection.close();
    }
  });

  it('serves nothing without its secret path, and grants CORS to the UI only', async () => {
    const root = new URL(codec.endpoint).origin;
    expect(codec.endpoint).not.toBe(root);
    expect((await decodeAsTheUi(root, [])).status).toBe(404);
    expect((await decodeAsTheUi(`${root}/not-the-secret`, [])).status).toBe(404);
    const other = await decodeAsTheUi(codec.endpoint, [], 'http://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});
