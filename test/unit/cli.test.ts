// The CLI as a user meets it: --help for the tool and every command, clear usage errors (exit 2,
// before anything connects), --json on the commands that print data, and `start` validating its
// input before connecting (as a process, against a closed port).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/lib/dev-server.js';
import { nodeTs, repoRoot } from '../../scripts/lib/node-ts.js';
import { formatWriteFailure } from '../../src/cli/commands/start.js';
import { formatSteps } from '../../src/cli/format-steps.js';
import { COMMANDS, runCli } from '../../src/cli/run.js';
import { temporalAddress, temporalNamespace } from '../support/temporal.js';

/** One in-process CLI run, its output captured. */
async function cli(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/** The CLI as its own process. */
function cliProcess(args: string[], env: NodeJS.ProcessEnv) {
  const [cmd, argv] = nodeTs('src/cli/main.ts', args);
  const started = Date.now();
  return new Promise<{ code: number; stdout: string; stderr: string; ms: number }>((resolve) =>
    execFile(cmd, argv, { cwd: repoRoot, env: { ...process.env, ...env }, timeout: 60_000 }, (e, stdout, stderr) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr, ms: Date.now() - started }),
    ),
  );
}

const DATA_COMMANDS = ['start', 'status', 'capabilities', 'bulk', 'list-failed', 'rerun-failed', 'connection-status'];

const dir = mkdtempSync(join(tmpdir(), 'makini-writes-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};
/** A createPurchaseOrder input with two problems: a date that does not exist and a quantity of 0. */
const badPoInput = {
  connectionId: 'demo-sap',
  idempotencyKey: 'bad-1',
  purchaseOrder: {
    vendorKey: 'V-100',
    siteKey: '1000',
    currencyKey: 'EUR',
    orderDate: '2026-02-30',
    lineItems: [{ quantity: 0, price: 1 }],
  },
};
const badPo = file('bad-po.json', badPoInput);

describe('makini-writes --help', () => {
  it('lists every command with a summary, exit 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help']]) {
      const r = await cli(...argv);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/^makini-writes: /);
      for (const c of COMMANDS) expect(r.out).toMatch(new RegExp(`^  ${c.name}\\s+\\S`, 'm'));
      expect(r.out).toContain('TEMPORAL_ADDRESS');
    }
  });

  it('without a command: the list on stderr, exit 2; an unknown command is named, with the nearest', async () => {
    const none = await cli();
    expect(none.code).toBe(2);
    expect(none.err).toContain('commands:');
    const typo = await cli('stauts', 'x');
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/unknown command "stauts"; did you mean status\?/);
  });

  it('every command answers --help and -h: usage, options (--json where it prints data), exit 0', async () => {
    for (const c of COMMANDS) {
      for (const h of ['--help', '-h']) {
        const r = await cli(c.name, h);
        expect(r.code, `${c.name} ${h}`).toBe(0);
        expect(r.out).toMatch(new RegExp(`^usage: makini-writes ${c.name}\\b`));
        expect(r.out).toContain('-h, --help');
        expect(r.err).toBe('');
        for (const name of Object.keys(c.options)) expect(r.out, `${c.name} --${name}`).toContain(`--${name}`);
      }
      expect((await cli('help', c.name)).out).toMatch(new RegExp(`^usage: makini-writes ${c.name}\\b`));
    }
    for (const name of DATA_COMMANDS) expect(COMMANDS.find((c) => c.name === name)!.options, name).toHaveProperty('json');
  });
});

describe('usage errors', () => {
  it('an unknown option: named, with the usage, exit 2, nothing done (no connection)', async () => {
    for (const c of COMMANDS) {
      const r = await cli(c.name, 'x', '--bogus');
      expect(r.code, c.name).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(new RegExp(`^makini-writes ${c.name}: unknown option --bogus`));
      expect(r.err).toContain(`usage: makini-writes ${c.name}`);
    }
    expect((await cli('list-failed', '--conection', 'acme-sap')).err).toMatch(/did you mean --connection\?/);
  });

  it('a missing argument or value, and a bad write type', async () => {
    expect(await cli('status')).toMatchObject({ code: 2, err: expect.stringMatching(/status: missing <workflowId>/) });
    expect(await cli('rerun-failed', '--connection')).toMatchObject({ code: 2, err: expect.stringMatching(/--connection needs a value/) });
    expect(await cli('rerun-failed', '--dry-run')).toMatchObject({ code: 2, err: expect.stringMatching(/name at least one filter/) });
    expect(await cli('start', 'createPO', badPo)).toMatchObject({ code: 2, err: expect.stringMatching(/unknown write type "createPO"/) });
    expect(await cli('start', 'createPurchaseOrder', join(dir, 'nope.json'))).toMatchObject({
      code: 2,
      err: expect.stringMatching(/cannot read .*nope\.json/),
    });
  });
});

describe('start <input.json>: a file that is not a write input', () => {
  const raw = (name: string, text: string | Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('not valid JSON: the position only (line, column), never the content', async () => {
    const cases: [string, string][] = [
      ['{"connectionId": "demo-sap", "token": s3cr3t-value-1234}', 'line 1, column 39'],
      ['{\n  "connectionId": "demo-sap",\n  "apiKey": "s3cr3t-value-1234"\n  "x": 1\n}', 'line 4, column 3'],
      ['{"connectionId": "demo-sap", "note": "s3cr3t-value-1234', 'line 1, column 56'],
      ['', 'line 1, column 1'],
    ];
    for (const [i, [text, position]] of cases.entries()) {
      const path = raw(`not-json-${i}.json`, text);
      const r = await cli('start', 'createPurchaseOrder', path);
      expect(r.code, text).toBe(2);
      expect(r.err).toContain(`${path}: not valid JSON at ${position}`);
      expect(r.err).not.toContain('s3cr3t');
    }
  });

  it('too large: refused before it is read whole, with the cap', async () => {
    const path = raw('huge.json', Buffer.alloc(2 * 1024 * 1024 + 1, 0x20));
    const r = await cli('start', 'createPurchaseOrder', path);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`${path}: larger than 2 MiB`);
  });
});

describe('control characters never reach the terminal', () => {
  // An upstream message that clears the screen, colours, and forges a log line.
  const forged = 'refused \u001b[2J\u001b[31m\u009b6n\r\n[worker] all good';
  // eslint-disable-next-line no-control-regex -- every C0 and C1 character but the line breaks of the layout
  const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

  it('whatever a command prints: escaped, one visible escape each', async () => {
    const r = await cli(`x${forged}`);
    expect(r.code).toBe(2);
    expect(r.err).not.toMatch(CONTROL);
    expect(r.err).toContain('\\u001b[2J\\u001b[31m\\u009b6n\\r\\n[worker] all good');
    expect(r.err.split('\n').some((line) => line.startsWith('[worker]'))).toBe(false);
  });

  it('a message inside a table or a failure stays on its line (\\n and \\r escaped too)', () => {
    const table = formatSteps([
      {
        name: 'create purchase order with 1 lines',
        startedAt: '2026-12-05T08:00:00.000Z',
        outcome: 'failed',
        attempts: 1,
        durationMs: 5,
        makiniProcessingMs: 1,
        requestIds: ['req_1'],
        waits: [],
        note: forged,
      },
    ]);
    expect(table.split('\n')).toHaveLength(2);
    expect(table).not.toMatch(CONTROL);
    const failure = formatWriteFailure({ type: 'MakiniRequestRejected', message: forged });
    expect(failure.split('\n')).toHaveLength(1);
    expect(failure).toBe('write failed: MakiniRequestRejected: refused \\u001b[2J\\u001b[31m\\u009b6n\\r\\n[worker] all good');
  });
});

describe('--json', () => {
  let closed: string;
  let saved: string | undefined;
  beforeAll(async () => {
    closed = `127.0.0.1:${await freePort()}`;
    saved = process.env.TEMPORAL_ADDRESS;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.TEMPORAL_ADDRESS;
    else process.env.TEMPORAL_ADDRESS = saved;
    delete process.env.TEMPORAL_NAMESPACE;
  });

  it('start and bulk start: an invalid input is one JSON document naming each field and rule (exit 2, no connection)', async () => {
    process.env.TEMPORAL_ADDRESS = closed; // a connection attempt would fail after 10 s with exit 1
    const started = Date.now();
    const r = await cli('start', 'createPurchaseOrder', badPo, '--wait', '--json');
    expect(r.code).toBe(2);
    const doc = JSON.parse(r.out) as { failure: { type: string; problems: { field: string; rule: string }[] } };
    expect(doc.failure.type).toBe('InvalidWriteInput');
    expect(doc.failure.problems.map((p) => `${p.field}:${p.rule}`).sort()).toEqual([
      'purchaseOrder.lineItems.0.quantity:min',
      'purchaseOrder.orderDate:date',
    ]);
    const bulk = file('bulk.json', { bulkId: 'b1', items: [{ type: 'createPurchaseOrder', input: badPoInput }] });
    const b = await cli('bulk', 'start', bulk, '--wait', '--json');
    expect(b.code).toBe(2);
    const problems = (JSON.parse(b.out) as { failure: { problems: { field: string }[] } }).failure.problems.map((p) => p.field);
    expect(problems.sort()).toEqual(['items.0.input.purchaseOrder.lineItems.0.quantity', 'items.0.input.purchaseOrder.orderDate']);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('list-failed and connection-status print JSON from a real server', async () => {
    process.env.TEMPORAL_ADDRESS = temporalAddress();
    process.env.TEMPORAL_NAMESPACE = temporalNamespace();
    const id = `cli-json-${randomBytes(3).toString('hex')}`;
    const list = await cli('list-failed', '--connection', id, '--json');
    expect(list.code, list.err).toBe(0);
    expect(JSON.parse(list.out)).toMatchObject({ query: expect.stringContaining(id), count: 0, superseded: 0, writes: [] });
    const status = await cli('connection-status', id, '--json');
    expect(status).toMatchObject({ code: 0, out: 'null' });
    const dryRun = await cli('rerun-failed', '--connection', id, '--dry-run', '--json');
    expect(JSON.parse(dryRun.out)).toMatchObject({ dryRun: true, writes: [], results: [], tally: { rerun: 0 } });
  });

  it('capabilities prints its JSON Schema (with or without --json)', async () => {
    const connections = join(dir, 'connections.yaml');
    writeFileSync(connections, 'connections:\n  - id: acme-sap\n    token: { env: MAKINI_TOKEN_X }\n    system: sap\n');
    const before = process.env.MAKINI_CONNECTIONS_FILE;
    process.env.MAKINI_CONNECTIONS_FILE = connections;
    try {
      const plain = await cli('capabilities', 'acme-sap', 'purchaseOrder', 'create');
      const json = await cli('capabilities', 'acme-sap', 'purchaseOrder', 'create', '--json');
      expect(plain.code).toBe(0);
      expect(json.out).toBe(plain.out);
      expect(JSON.parse(json.out)).toHaveProperty('required');
    } finally {
      if (before === undefined) delete process.env.MAKINI_CONNECTIONS_FILE;
      else process.env.MAKINI_CONNECTIONS_FILE = before;
    }
  });
});

describe('start as a process, no server running', () => {
  it('refuses an invalid input before connecting: InvalidWriteInput naming field and rule, exit 2, fast', async () => {
    const r = await cliProcess(['start', 'createPurchaseOrder', badPo, '--wait'], { TEMPORAL_ADDRESS: `127.0.0.1:${await freePort()}` });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^InvalidWriteInput: createPurchaseOrder input has 2 problem\(s\); nothing was sent:/);
    expect(r.stderr).toMatch(/^ {2}purchaseOrder\.orderDate: \[date\] /m);
    expect(r.stderr).toMatch(/^ {2}purchaseOrder\.lineItems\.0\.quantity: \[min\] /m);
    expect(r.stderr).not.toMatch(/connect/i);
    expect(r.ms).toBeLessThan(9_000); // no connection attempt (its deadline alone is 10 s)
  });

  it('a valid input against no server: names the address and how to start one, exit 1', async () => {
    const address = `127.0.0.1:${await freePort()}`;
    const r = await cliProcess(['start', 'createPurchaseOrder', join(repoRoot, 'examples', 'purchase-order.sap.json')], {
      TEMPORAL_ADDRESS: address,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`cannot reach the Temporal server at ${address} (namespace default)`);
    expect(r.stderr).toContain('`npm start`');
    expect(r.stderr).toContain('TEMPORAL_ADDRESS');
    expect(r.stderr).not.toMatch(/^\s+at /m); // a message, not a stack trace
  });
});
