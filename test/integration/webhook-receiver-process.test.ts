// `npm run webhooks` as deployed: its own process, settings from the environment. It listens on
// loopback unless MAKINI_WEBHOOK_HOST says otherwise, reads the signature from the header
// MAKINI_WEBHOOK_SIGNATURE_HEADER names, and during a secret rotation
// (MAKINI_WEBHOOK_SECRET=<newer>,<older>) hands to Temporal a delivery signed with either.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/dev-server.js';
import { nodeTs } from '../../scripts/lib/node-ts.js';
import { Secret } from '../../src/observability/secret.js';
import { WEBHOOK_PATH } from '../../src/webhooks/receiver.js';
import { postDelivery, signedDelivery } from '../../src/webhooks/signed-delivery.js';
import { temporalAddress, temporalNamespace, uniqueTaskQueue } from '../support/temporal.js';

const newer = new Secret(`whsec-newer-${randomBytes(8).toString('hex')}`);
const older = new Secret(`whsec-older-${randomBytes(8).toString('hex')}`);

/** Whether something accepts TCP connections at host:port. */
const accepts = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port, timeout: 2_000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });

describe('webhook receiver process', () => {
  let child: ChildProcess;
  let port: number;
  let started = '';
  let output = '';

  beforeAll(async () => {
    port = await freePort();
    const [cmd, args] = nodeTs('src/webhooks/main.ts');
    child = spawn(cmd, args, {
      env: {
        ...process.env,
        TEMPORAL_ADDRESS: temporalAddress(),
        TEMPORAL_NAMESPACE: temporalNamespace(),
        TEMPORAL_TASK_QUEUE: uniqueTaskQueue('webhooks'),
        MAKINI_WEBHOOK_PORT: String(port),
        MAKINI_WEBHOOK_SECRET: `${newer.reveal()},${older.reveal()}`,
        MAKINI_WEBHOOK_HOST: '',
        MAKINI_WEBHOOK_SIGNATURE_HEADER: 'X-Makini-Signature',
        MAKINI_WRITES_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
        MAKINI_WRITES_ENCRYPTION_STRICT: 'true',
      },
    });
    child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 60_000;
    while (!(started = /\[webhooks\] receiving on (\S+?);/.exec(output)?.[1] ?? '') && Date.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`the receiver exited (${child.exitCode}): ${output}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    if (!started) throw new Error(`the receiver did not start: ${output}`);
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('listens on loopback by default, not on the machine’s other addresses', async () => {
    expect(started).toBe(`http://127.0.0.1:${port}${WEBHOOK_PATH}`);
    expect(output).toContain('2 secret(s)');
    expect(output).not.toContain(newer.reveal());
    expect(await accepts('127.0.0.1', port)).toBe(true);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
    if (external) expect(await accepts(external, port), `reachable on ${external}`).toBe(false);
  });

  it('hands to Temporal deliveries signed with the newer or the older secret in the configured header, and refuses others', async () => {
    const header = { signatureHeader: 'x-makini-signature' };
    const event = (n: number) => ({
      event: 'connection.online',
      connection_id: `wh-${randomBytes(3).toString('hex')}`,
      timestamp: new Date().toISOString(),
      body: { n },
    });
    expect(output).toContain('signature in x-makini-signature');
    expect(await postDelivery(started, signedDelivery(newer, event(1), header))).toMatchObject({ status: 200 });
    expect(await postDelivery(started, signedDelivery(older, event(2), header))).toMatchObject({ status: 200 });
    expect(await postDelivery(started, signedDelivery(new Secret('whsec-other-0123456789'), event(3), header))).toMatchObject({
      status: 401,
    });
    expect(await postDelivery(started, signedDelivery(newer, event(4)))).toMatchObject({
      status: 400,
      body: '{"error":"missing header x-makini-signature (the signature)"}',
    });
  });
});
