// Every write route can commit and then answer anything Makini's docs leave open: 500, 503 with
// Retry-After, 504, an HTML 502, a garbled or empty 2xx, an empty 5xx, a dropped connection, or a
// late answer after the client gave up. Each case checks both halves: the record really changed,
// and the client got exactly the scripted answer. The controls (no commit) show the checks can fail.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MakiniErrorCode, MakiniHeader, MakiniPath } from '../../src/makini/workflow/contract.js';
import { parseRetryAfter } from '../../src/makini/retry-after.js';
import { startSandbox, type FaultScript, type SandboxState, type StartedSandbox } from '../../sandbox/index.js';
import { caller, lines, uniqueCode, type Call } from './helpers.js';

const TOKEN = 'tok-dyn';
const CONN = 'dyn-1';

interface PreparedWrite {
  method: 'POST' | 'PUT';
  path: string;
  body: unknown;
  /** Whether this very write is visible in the system's state. */
  landed(state: SandboxState): boolean;
}

interface WriteRoute {
  name: string;
  /** Creates what the write needs (before any fault is scripted) and describes the write. */
  prepare(call: Call): Promise<PreparedWrite>;
}

const createPo = async (call: Call) =>
  (await call('POST', MakiniPath.purchaseOrders(), { code: uniqueCode('base'), vendorKey: 'V-100', lineItems: lines(1) })).json.data;
const createWo = async (call: Call) =>
  (await call('POST', MakiniPath.workOrders(), { title: 'Base work order', code: uniqueCode('wo') })).json.data;
const po = (state: SandboxState, key: string) => state.purchaseOrders.find((p) => p.key === key);
const wo = (state: SandboxState, key: string) => state.workOrders.find((w) => w.key === key);

// Dynamics: lines with the header or one by one, work orders need a title only.
const WRITE_ROUTES: WriteRoute[] = [
  {
    name: 'PO create with lineItems',
    prepare: async () => {
      const code = uniqueCode('po-lines');
      return {
        method: 'POST',
        path: MakiniPath.purchaseOrders(),
        body: { code, vendorKey: 'V-100', lineItems: lines(3) },
        landed: (s) => s.purchaseOrders.some((p) => p.code === code && p.lineItems.length === 3),
      };
    },
  },
  {
    name: 'PO create without lineItems',
    prepare: async () => {
      const code = uniqueCode('po-header');
      return {
        method: 'POST',
        path: MakiniPath.purchaseOrders(),
        body: { code, vendorKey: 'V-200' },
        landed: (s) => s.purchaseOrders.some((p) => p.code === code),
      };
    },
  },
  {
    name: 'PO line add',
    prepare: async (call) => {
      const { key } = await createPo(call);
      return {
        method: 'POST',
        path: MakiniPath.purchaseOrderLineItemsOf(key),
        body: { lineNo: 7, quantity: 3 },
        landed: (s) => po(s, key)!.lineItems.some((l) => l.lineNo === 7),
      };
    },
  },
  {
    name: 'PO update',
    prepare: async (call) => {
      const { key } = await createPo(call);
      const title = uniqueCode('title');
      return { method: 'PUT', path: MakiniPath.purchaseOrder(key), body: { title }, landed: (s) => po(s, key)!.title === title };
    },
  },
  {
    name: 'PO status',
    prepare: async (call) => {
      const { key } = await createPo(call);
      return {
        method: 'PUT',
        path: MakiniPath.purchaseOrderStatus(key),
        body: { status: 'approved' },
        landed: (s) => po(s, key)!.status === 'approved',
      };
    },
  },
  {
    name: 'work-order create',
    prepare: async () => {
      const code = uniqueCode('wo-create');
      return {
        method: 'POST',
        path: MakiniPath.workOrders(),
        body: { title: 'Replace seal', code },
        landed: (s) => s.workOrders.some((w) => w.code === code),
      };
    },
  },
  {
    name: 'work-order update',
    prepare: async (call) => {
      const { key } = await createWo(call);
      const description = uniqueCode('desc');
      return {
        method: 'PUT',
        path: MakiniPath.workOrder(key),
        body: { description },
        landed: (s) => wo(s, key)!.description === description,
      };
    },
  },
  {
    name: 'work-order status',
    prepare: async (call) => {
      const { key } = await createWo(call);
      const statuses = (await call('GET', MakiniPath.statuses('work-orders'))).json.data as { key: string; code: string }[];
      const statusKey = statuses.find((s) => s.code === 'in-progress')!.key;
      return {
        method: 'PUT',
        path: MakiniPath.workOrderStatus(key),
        body: { statusKey },
        landed: (s) => wo(s, key)!.status === 'in-progress',
      };
    },
  },
  {
    name: 'work-order material add',
    prepare: async (call) => {
      const { key } = await createWo(call);
      return {
        method: 'POST',
        path: MakiniPath.workOrderMaterials(key),
        body: { materialKey: 'mat-2', quantity: 4 },
        landed: (s) => wo(s, key)!.materials.some((m) => m.materialKey === 'mat-2' && m.quantity === 4),
      };
    },
  },
  {
    name: 'work-order material update',
    prepare: async (call) => {
      const { key } = await createWo(call);
      await call('POST', MakiniPath.workOrderMaterials(key), { materialKey: 'mat-3', quantity: 2 });
      return {
        method: 'PUT',
        path: MakiniPath.workOrderMaterial(key, 'mat-3'),
        body: { quantity: 9 },
        landed: (s) => wo(s, key)!.materials.some((m) => m.materialKey === 'mat-3' && m.quantity === 9),
      };
    },
  },
  {
    name: 'inventory PUT',
    prepare: async () => ({
      method: 'PUT',
      path: MakiniPath.inventory('inv-2'),
      body: { quantity: 77 },
      landed: (s) => s.inventories.find((i) => i.key === 'inv-2')!.quantity === 77,
    }),
  },
  {
    name: 'material inventory PUT',
    prepare: async () => ({
      method: 'PUT',
      path: MakiniPath.materialInventory('mat-3'),
      body: { quantity: 55 },
      landed: (s) => s.inventories.find((i) => i.key === 'inv-3')!.quantity === 55,
    }),
  },
];

/** What the client saw: an answer read in full, or a failed fetch. */
type Seen = { answered: true; status: number; headers: Headers; text: string } | { answered: false; error: unknown };

/** A client that gives up after this long (the `late` case). */
const CLIENT_TIMEOUT_MS = 150;
const LATE_MS = 600;

interface ScriptedAnswer {
  name: string;
  fault: FaultScript;
  /** The fault's name in the request log. */
  label: string;
  clientTimeoutMs?: number;
  expectSeen(seen: Seen): void;
}

const answered = (seen: Seen) => {
  if (!seen.answered) throw new Error(`expected an answer, the request failed: ${String(seen.error)}`);
  return seen;
};
const jsonError = (seen: Seen) => (JSON.parse(answered(seen).text) as { error: { code: string; request_id: string } }).error;

const ANSWERS: ScriptedAnswer[] = [
  {
    name: '500 (commit-then-fail)',
    fault: { kind: 'commit-then-fail', status: 500 },
    label: 'script:commit-then-fail',
    expectSeen: (seen) => {
      expect(answered(seen).status).toBe(500);
      expect(jsonError(seen)).toMatchObject({
        code: MakiniErrorCode.internalError,
        request_id: answered(seen).headers.get(MakiniHeader.requestId),
      });
    },
  },
  {
    name: '500 (server-error with commit)',
    fault: { kind: 'server-error', commit: true },
    label: 'script:server-error+commit',
    expectSeen: (seen) => {
      expect(answered(seen).status).toBe(500);
      expect(jsonError(seen).code).toBe(MakiniErrorCode.internalError);
    },
  },
  {
    name: '503 with Retry-After in seconds',
    fault: { kind: 'server-error', status: 503, commit: true, retryAfterSeconds: 7 },
    label: 'script:server-error+commit',
    expectSeen: (seen) => {
      expect(answered(seen).status).toBe(503);
      expect(answered(seen).headers.get(MakiniHeader.retryAfter)).toBe('7');
      expect(jsonError(seen).code).toBe(MakiniErrorCode.serviceUnavailable);
    },
  },
  {
    name: '503 with Retry-After as a date',
    fault: { kind: 'commit-then-fail', status: 503, retryAfterSeconds: 30, retryAfterDate: true },
    label: 'script:commit-then-fail',
    expectSeen: (seen) => {
      expect(answered(seen).status).toBe(503);
      const value = answered(seen).headers.get(MakiniHeader.retryAfter)!;
      expect(value).toMatch(/ GMT$/);
      expect(parseRetryAfter(value)).toBeGreaterThanOrEqual(28_000);
      expect(parseRetryAfter(value)).toBeLessThanOrEqual(31_000);
    },
  },
  {
    name: '504 (commit-then-fail default)',
    fault: { kind: 'commit-then-fail' },
    label: 'script:commit-then-fail',
    expectSeen: (seen) => {
      expect(answered(seen).status).toBe(504);
      expect(jsonError(seen).code).toBe(MakiniErrorCode.internalError);
    },
  },
  {
    name: 'an HTML 502 page',
    fault: { kind: 'html-error', commit: true },
    label: 'script:html-error+commit',
    expectSeen: (seen) => {
      expect(answered(seen).status).toBe(502);
      expect(answered(seen).headers.get('content-type')).toMatch(/text\/html/);
      expect(answered(seen).text).toMatch(/<title>502 Bad Gateway<\/title>/);
    },
  },
  {
    name: '200 with a garbled body',
    fault: { kind: 'malformed-success', body: '{"data":{"key":"0' },
    label: 'script:malformed-success',
    expectSeen: (seen) => {
      expect(answered(seen).status).toBe(200);
      expect(answered(seen).text).toBe('{"data":{"key":"0');
      expect(() => JSON.parse(answered(seen).text) as unknown).toThrow();
    },
  },
  {
    name: '200 with an empty body',
    fault: { kind: 'empty-error', status: 200, commit: true },
    label: 'script:empty-error+commit',
    expectSeen: (seen) => {
      expect(answered(seen).status).toBe(200);
      expect(answered(seen).text).toBe('');
    },
  },
  {
    name: '202 with an empty body',
    fault: { kind: 'empty-error', status: 202, commit: true },
    label: 'script:empty-error+commit',
    expectSeen: (seen) => {
      expect(answered(seen).status).toBe(202);
      expect(answered(seen).text).toBe('');
    },
  },
  {
    name: '500 with an empty body',
    fault: { kind: 'empty-error', status: 500, commit: true },
    label: 'script:empty-error+commit',
    expectSeen: (seen) => {
      expect(answered(seen).status).toBe(500);
      expect(answered(seen).text).toBe('');
    },
  },
  {
    name: 'a dropped connection (drop with commit)',
    fault: { kind: 'drop', commit: true },
    label: 'script:drop+commit',
    expectSeen: (seen) => expect(seen.answered).toBe(false),
  },
  {
    name: 'a dropped connection (commit-then-drop)',
    fault: { kind: 'commit-then-drop' },
    label: 'script:commit-then-drop',
    expectSeen: (seen) => expect(seen.answered).toBe(false),
  },
  {
    name: 'a late answer after the client timed out',
    fault: { kind: 'late', delayMs: LATE_MS },
    label: 'script:late',
    clientTimeoutMs: CLIENT_TIMEOUT_MS,
    expectSeen: (seen) => {
      expect(seen.answered).toBe(false);
      if (!seen.answered) expect((seen.error as Error).name).toBe('TimeoutError');
    },
  },
];

describe('sandbox: every write route can commit, then answer anything', () => {
  let sb: StartedSandbox;
  let dyn: Call;

  beforeAll(async () => {
    sb = await startSandbox({ connections: [{ id: CONN, token: TOKEN, system: 'dynamics' }] });
    dyn = caller(sb, TOKEN);
  });
  afterAll(() => sb?.close());
  beforeEach(() => sb.admin.reset());

  async function send(w: PreparedWrite, timeoutMs?: number): Promise<Seen> {
    try {
      const res = await fetch(new URL(w.path, sb.url), {
        method: w.method,
        headers: { [MakiniHeader.authorization]: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(w.body),
        signal: timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs),
      });
      return { answered: true, status: res.status, headers: res.headers, text: await res.text() };
    } catch (error) {
      return { answered: false, error };
    }
  }

  /** The log entry of the scripted write (a late one is logged only when its answer is due). */
  async function logEntryOf(w: PreparedWrite) {
    for (let i = 0; i < 100; i++) {
      const entry = (await sb.admin.requestLog(CONN)).filter((e) => e.method === w.method && e.path === w.path).at(-1);
      if (entry?.fault) return entry;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no faulted log entry for ${w.method} ${w.path}`);
  }

  const cases = WRITE_ROUTES.flatMap((route) => ANSWERS.map((answer) => [route.name, answer.name, route, answer] as const));

  it.each(cases)('%s, then %s: the write landed and the client saw exactly that', async (_r, _a, route, answer) => {
    const write = await route.prepare(dyn);
    expect(write.landed(await sb.admin.state(CONN))).toBe(false);
    await sb.admin.scriptFaults(CONN, [{ ...answer.fault, method: write.method, pathPrefix: write.path }]);
    const seen = await send(write, answer.clientTimeoutMs);
    answer.expectSeen(seen);
    expect(write.landed(await sb.admin.state(CONN))).toBe(true);
    const entry = await logEntryOf(write);
    expect(entry).toMatchObject({ fault: answer.label, writeApplied: true });
    if (answer.fault.kind === 'late') {
      expect(entry).toMatchObject({ status: 200, outcome: 'abandoned' });
      expect(entry.durationMs).toBeGreaterThanOrEqual(LATE_MS - 10);
    }
    expect(await sb.admin.pendingFaults(CONN)).toEqual([]);
  });

  // Controls: the same checks see "not landed" when the fault answers instead of the system.
  const controls = WRITE_ROUTES.flatMap((route) =>
    (
      [
        [route.name, 'server-error without commit', { kind: 'server-error', status: 503 }, 503, 'script:server-error'],
        [route.name, 'drop without commit', { kind: 'drop' }, undefined, 'script:drop'],
        [
          route.name,
          'a garbled 200 from a proxy (malformed-success, commit: false)',
          { kind: 'malformed-success', commit: false },
          200,
          'script:malformed-success+no-commit',
        ],
        [route.name, 'rate-limit', { kind: 'rate-limit', retryAfterSeconds: 1 }, 429, 'script:rate-limit'],
      ] as const
    ).map(([r, a, fault, status, label]) => [r, a, route, fault, status, label] as const),
  );

  it.each(controls)('%s with %s: the request did not reach the system', async (_r, _a, route, fault, status, label) => {
    const write = await route.prepare(dyn);
    await sb.admin.scriptFaults(CONN, [{ ...fault, method: write.method, pathPrefix: write.path }]);
    const seen = await send(write);
    if (status === undefined) expect(seen.answered).toBe(false);
    else expect(answered(seen).status).toBe(status);
    expect(write.landed(await sb.admin.state(CONN))).toBe(false);
    expect(await logEntryOf(write)).toMatchObject({ writeApplied: false, fault: label });
    // The same write without a fault lands: the check sees it.
    expect(answered(await send(write)).status).toBe(200);
    expect(write.landed(await sb.admin.state(CONN))).toBe(true);
  });

  it('answerDelayMs: the write is visible while its (504) answer is still on the way', async () => {
    const code = uniqueCode('delayed504');
    await sb.admin.scriptFaults(CONN, [{ kind: 'commit-then-fail', answerDelayMs: 500, method: 'POST' }]);
    const started = Date.now();
    const pending = dyn('POST', MakiniPath.purchaseOrders(), { code, vendorKey: 'V-100' });
    await new Promise((r) => setTimeout(r, 200));
    expect((await sb.admin.state(CONN)).purchaseOrders.filter((p) => p.code === code)).toHaveLength(1);
    const r = await pending;
    expect(r.status).toBe(504);
    expect(Date.now() - started).toBeGreaterThanOrEqual(490);
  });

  it('late: a patient client gets the normal answer, after delayMs', async () => {
    const code = uniqueCode('late');
    await sb.admin.scriptFaults(CONN, [{ kind: 'late', delayMs: 300, method: 'POST' }]);
    const started = Date.now();
    const r = await dyn('POST', MakiniPath.purchaseOrders(), { code, vendorKey: 'V-100' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ code, key: expect.stringMatching(/^\d{14}$/) });
    expect((await sb.admin.requestLog(CONN)).at(-1)).toMatchObject({
      outcome: 'answered',
      status: 200,
      writeApplied: true,
      fault: 'script:late',
    });
  });

  it('a committing fault still answers the rate limit first: a 429 is never written', async () => {
    await sb.admin.setRateLimit(CONN, 1);
    expect((await dyn('POST', MakiniPath.purchaseOrders(), { code: uniqueCode('first'), vendorKey: 'V-100' })).status).toBe(200);
    const code = uniqueCode('limited');
    await sb.admin.scriptFaults(CONN, [{ kind: 'commit-then-fail', status: 500, method: 'POST' }]);
    const r = await dyn('POST', MakiniPath.purchaseOrders(), { code, vendorKey: 'V-100' });
    expect(r.status).toBe(429);
    expect((await sb.admin.state(CONN)).purchaseOrders.filter((p) => p.code === code)).toEqual([]);
  });

  it('refuses scripts that would contradict the docs or be silently ignored, naming each problem', async () => {
    const bad: [FaultScript, RegExp][] = [
      [{ kind: 'commit-then-fail', status: 409 }, /status: commit-then-fail takes a 5xx/],
      [{ kind: 'rate-limit', commit: true }, /commit: cannot be true on rate-limit: a 429 is never written/],
      [{ kind: 'reject', commit: true }, /commit: cannot be true on reject/],
      [{ kind: 'commit-then-drop', commit: false }, /commit: cannot be false on commit-then-drop/],
      [{ kind: 'html-error', commit: true, status: 404 }, /status: html-error with commit takes a 2xx or 5xx/],
      [{ kind: 'malformed-success', status: 500 }, /status: malformed-success takes a 2xx/],
      [{ kind: 'server-error', answerDelayMs: 100 }, /answerDelayMs: waits after the write is applied/],
      [{ kind: 'late', answerDelayMs: 100 }, /answerDelayMs: late waits delayMs/],
      [{ kind: 'late', status: 500 }, /status: late takes no status/],
      [{ kind: 'empty-error', status: 302 }, /status: a redirect/],
    ];
    for (const [fault, message] of bad) await expect(sb.admin.scriptFaults(CONN, [fault]), JSON.stringify(fault)).rejects.toThrow(message);
    // Allowed: a 4xx page or empty body that did not reach the system (a proxy or WAF), a 200 HTML page.
    await sb.admin.scriptFaults(CONN, [
      { kind: 'html-error', status: 403 },
      { kind: 'empty-error', status: 404 },
      { kind: 'html-error', status: 200, commit: true },
    ]);
    expect(await sb.admin.pendingFaults(CONN)).toHaveLength(3);
  });
});
