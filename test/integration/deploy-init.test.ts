// The temporal-init container of docker-compose.yml, without Docker: its script
// (deploy/temporal/register-search-attributes.sh) with the arguments compose gives it, run by
// the pinned `temporal` CLI against the real dev server, on a fresh namespace as after a first
// `docker compose up`. Registers every attribute; a second `up` succeeds again; a conflicting
// type fails at once with the attribute named.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time.js';
import { temporal } from '@temporalio/proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { findTemporalCli } from '../../scripts/lib/temporal-cli.js';
import { connectClient, temporalAddress } from '../support/temporal.js';

const root = join(import.meta.dirname, '..', '..');
const SCRIPT = join(root, 'deploy/temporal/register-search-attributes.sh');
const composeArgs = (
  parseYaml(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as {
    services: Record<string, { command: string[] }>;
  }
).services['temporal-init']!.command;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function runInit(namespace: string, args: string[]): Promise<Run> {
  const cli = findTemporalCli();
  if (!cli) throw new Error('no temporal CLI (the global setup builds it)');
  const env = {
    ...process.env,
    PATH: `${dirname(cli)}:${process.env.PATH}`,
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_NAMESPACE: namespace,
    TEMPORAL_INIT_TIMEOUT_S: '60',
  };
  try {
    const { stdout, stderr } = await promisify(execFile)('sh', [SCRIPT, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('temporal-init (deploy/temporal/register-search-attributes.sh)', () => {
  let connection: Connection;
  const namespace = `deploy-init-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    ({ connection } = await connectClient());
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: msToTs('1 day') });
  });
  afterAll(async () => {
    await connection?.close();
  });

  const customAttributes = async () => (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};

  it('registers every attribute compose lists on a fresh namespace, and succeeds again on the next up', async () => {
    expect(Object.keys(await customAttributes())).toHaveLength(0);
    const first = await runInit(namespace, composeArgs);
    expect(first.code, first.stderr).toBe(0);
    const registered = await customAttributes();
    for (const arg of composeArgs) {
      const name = arg.split('=')[0]!;
      expect(registered[name], name).toBe(temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD);
    }
    const again = await runInit(namespace, composeArgs);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`registered on ${namespace}`);
  });

  it('fails at once, naming the attribute, when it exists with another type', async () => {
    await runInit(namespace, composeArgs);
    const started = Date.now();
    const run = await runInit(namespace, ['MakiniSystem=Text']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/MakiniSystem already exists and has different type Keyword/);
    expect(Date.now() - started).toBeLessThan(30_000); // not retried until the timeout
  });

  it('rejects an argument that is not Name=Type before calling the server', async () => {
    const run = await runInit(namespace, ['MakiniSystem']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('bad argument "MakiniSystem": expected Name=Type');
  });
});
