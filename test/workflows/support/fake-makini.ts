// The Makini activities of the workflow layer, as plain functions under their production names:
// a small in-memory target system (purchase orders and their lines) and a script of answers. A
// scripted answer fails the activity exactly as the production activity would: the answer is
// classified by the production table (classifyHttpFailure / classifyNetworkFailure) and thrown
// through `asActivity`, so the workflow sees the same ApplicationFailure type and details.
import type { ActivityResult } from '../../../src/makini/activity-result.js';
import { asActivity } from '../../../src/makini/activity-result.js';
import { classifyHttpFailure, classifyNetworkFailure } from '../../../src/makini/classify-failure.js';
import { MakiniErrorCode } from '../../../src/makini/workflow/contract.js';
import { MakiniError } from '../../../src/makini/errors.js';
import type { MakiniActivities } from '../../../src/activities/index.js';
import type { PoSnapshot } from '../../../src/writes/purchase-orders/activity-contract.js';
import type { ProbeResult } from '../../../src/connections/activity-contract.js';

/**
 * What Makini answers instead of a success: an HTTP error, or no answer at all. `commitsAfterMs`:
 * the system still applies the request, that long (test server time) after the call: a create
 * whose record lookups find only from then on (a commit after the client stopped waiting).
 */
export type FakeAnswer =
  | { status: number; code?: string; message?: string; retryAfterMs?: number }
  | { noAnswer: string; connected: boolean; commitsAfterMs?: number };

/** Answers the rest of the tests use by name. */
export const answers = {
  rateLimited: (retryAfterMs: number): FakeAnswer => ({
    status: 429,
    code: MakiniErrorCode.rateLimitExceeded,
    message: 'rate limit exceeded',
    retryAfterMs,
  }),
  unauthorized: (): FakeAnswer => ({
    status: 401,
    code: MakiniErrorCode.authenticationFailed,
    message: 'the connection needs reauthorization',
  }),
  unavailable: (): FakeAnswer => ({
    status: 503,
    code: MakiniErrorCode.serviceUnavailable,
    message: 'the connected system does not answer',
  }),
  refused: (message: string): FakeAnswer => ({ status: 409, code: MakiniErrorCode.writeNotAllowed, message }),
  invalid: (message: string): FakeAnswer => ({ status: 400, code: MakiniErrorCode.validationFailed, message }),
  /** The client timed out (the request had reached the system); the system commits it `afterMs` later. */
  commitsLate: (afterMs: number): FakeAnswer => ({ noAnswer: 'timeout after 20000 ms', connected: true, commitsAfterMs: afterMs }),
};

/** The activities a fake serves (Makini's, by their production names). */
type FakeName =
  | 'vendorExists'
  | 'findPurchaseOrderByReference'
  | 'listPurchaseOrdersByReference'
  | 'getPurchaseOrder'
  | 'createPurchaseOrder'
  | 'addPurchaseOrderLine'
  | 'listPurchaseOrderLines'
  | 'updatePurchaseOrder'
  | 'setPurchaseOrderStatus'
  | 'listPurchaseOrderStatuses'
  | 'probeConnection';

/** The request each activity makes (method and path), for the classified failure's message. */
const REQUESTS: Record<FakeName, [string, string]> = {
  vendorExists: ['GET', '/api/eam/vendors/{key}'],
  findPurchaseOrderByReference: ['GET', '/api/eam/purchase-orders'],
  listPurchaseOrdersByReference: ['GET', '/api/eam/purchase-orders'],
  getPurchaseOrder: ['GET', '/api/eam/purchase-orders/{key}'],
  createPurchaseOrder: ['POST', '/api/eam/purchase-orders'],
  addPurchaseOrderLine: ['POST', '/api/eam/purchase-orders/{key}/line-items'],
  listPurchaseOrderLines: ['GET', '/api/eam/purchase-orders/{key}/line-items'],
  updatePurchaseOrder: ['PUT', '/api/eam/purchase-orders/{key}'],
  setPurchaseOrderStatus: ['PUT', '/api/eam/purchase-orders/{key}'],
  listPurchaseOrderStatuses: ['GET', '/api/eam/statuses/purchase-orders'],
  probeConnection: ['GET', '/api/integrations/current'],
};

/** One call as the fake saw it: when (test server time), what, and what it answered. */
export interface FakeCall {
  name: FakeName;
  /** The activity's one input object, as the workflow sent it. */
  input: Record<string, unknown>;
  /** The test server's (skipped) time of the call, epoch ms. */
  at: number;
  /** `ok`, or the status / no-answer reason it failed with. */
  answer: string;
}

/** Decides a call's answer: undefined lets the in-memory system answer. */
type Rule = (input: Record<string, unknown>, callNo: number) => FakeAnswer | undefined;

interface Po {
  key: string;
  /** Test server time from which the system shows it (a late commit: after the call). */
  committedAt: number;
  status: string;
  fields: Record<string, unknown>;
  lines: { key: string; lineNo: number }[];
}

export class FakeMakini {
  readonly calls: FakeCall[] = [];
  readonly purchaseOrders = new Map<string, Po>();
  private readonly rules = new Map<FakeName, Rule[]>();
  private readonly counts = new Map<FakeName, number>();
  private seq = 0;
  /** What the breaker's probe finds, call by call (`down` until told otherwise). */
  probe: (callNo: number) => ProbeResult['outcome'] = () => 'up';

  /** @param now the test server's time (skipped), for the call log. */
  constructor(private readonly now: () => Promise<number>) {}

  /** The next calls of `name` get these answers, in order; later ones answer normally. */
  failNext(name: FakeName, ...scripted: FakeAnswer[]): this {
    const before = this.counts.get(name) ?? 0;
    return this.when(name, (_input, n) => scripted[n - 1 - before]);
  }

  /** Every call of `name` for which `rule` returns an answer gets it. */
  when(name: FakeName, rule: Rule): this {
    this.rules.set(name, [...(this.rules.get(name) ?? []), rule]);
    return this;
  }

  /** Resolves once `name` has been called `count` times (polls: the calls come from the worker in this process). */
  async called(name: FakeName, count = 1): Promise<void> {
    for (let i = 0; this.callsOf(name).length < count; i++) {
      if (i > 600) throw new Error(`${name} called ${this.callsOf(name).length} times after 30 s, expected ${count}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Test server time between the `from`-th and the `to`-th call of `name` (0-based). */
  between(name: FakeName, from: number, to: number): number {
    const calls = this.callsOf(name);
    const [a, b] = [calls[from], calls[to]];
    if (!a || !b) throw new Error(`${name} was called ${calls.length} times; no call ${from} and ${to}`);
    return b.at - a.at;
  }

  /** The calls of one activity. */
  callsOf(name: FakeName): FakeCall[] {
    return this.calls.filter((c) => c.name === name);
  }

  /** The purchase orders a read at `at` sees (committed by then). */
  private visible(at: number): Po[] {
    return [...this.purchaseOrders.values()].filter((p) => p.committedAt <= at);
  }

  private async call<T>(name: FakeName, input: object, body: (at: number) => T): Promise<ActivityResult<T>> {
    const n = (this.counts.get(name) ?? 0) + 1;
    this.counts.set(name, n);
    const at = await this.now();
    const args = { ...input } as Record<string, unknown>;
    const scripted = (this.rules.get(name) ?? []).map((r) => r(args, n)).find((a) => a !== undefined);
    const [method, path] = REQUESTS[name];
    const requestId = `req_${++this.seq}`;
    return asActivity(async () => {
      if (scripted) {
        this.calls.push({ name, input: args, at, answer: 'status' in scripted ? String(scripted.status) : scripted.noAnswer });
        if ('commitsAfterMs' in scripted && scripted.commitsAfterMs !== undefined) body(at + scripted.commitsAfterMs);
        throw new MakiniError(
          'status' in scripted
            ? classifyHttpFailure({ method, path, requestId, processingTimeMs: 3, ...scripted })
            : classifyNetworkFailure(method, path, scripted.noAnswer, scripted.connected),
        );
      }
      const value = body(at);
      this.calls.push({ name, input: args, at, answer: 'ok' });
      return { value, call: { requestIds: [requestId], processingTimeMs: 3, status: method === 'POST' ? 201 : 200 } };
    });
  }

  private po(key: string, at = Number.POSITIVE_INFINITY): Po {
    const po = this.purchaseOrders.get(key);
    if (!po || po.committedAt > at)
      throw new MakiniError(
        classifyHttpFailure({ method: 'GET', path: `/api/eam/purchase-orders/${key}`, status: 404, code: MakiniErrorCode.notFound }),
      );
    return po;
  }

  private snapshot(po: Po, ref: string): PoSnapshot {
    const reference = po.fields[ref];
    return {
      key: po.key,
      status: po.status,
      reference: typeof reference === 'string' ? reference : undefined,
      fields: { ...po.fields, key: po.key, status: po.status },
      lines: po.lines.map((l) => ({ ...l })),
    };
  }

  /** The activities, under their production names, each taking its one input object (the type checks each signature). */
  activities(): Pick<MakiniActivities, FakeName> {
    return {
      vendorExists: (input) => this.call('vendorExists', input, () => true),
      findPurchaseOrderByReference: (input) =>
        this.call('findPurchaseOrderByReference', input, (at) => {
          const { referenceField: ref, reference } = input;
          const po = this.visible(at).find((p) => p.fields[ref] === reference);
          return po ? this.snapshot(po, ref) : null;
        }),
      listPurchaseOrdersByReference: (input) =>
        this.call('listPurchaseOrdersByReference', input, (at) =>
          this.visible(at)
            .filter((p) => p.fields[input.referenceField] === input.reference)
            .map((p) => ({ key: p.key, status: p.status })),
        ),
      getPurchaseOrder: (input) =>
        this.call('getPurchaseOrder', input, (at) => this.snapshot(this.po(input.key, at), input.referenceField)),
      // `at`: when the system commits it (the call's time, or later for a late commit).
      createPurchaseOrder: (input) =>
        this.call('createPurchaseOrder', input, (at) => {
          const ref = input.referenceField;
          const { lineItems, ...fields } = input.body as { lineItems?: { lineNo: number }[] };
          const key = `po_${this.purchaseOrders.size + 1}`;
          const po: Po = { key, committedAt: at, status: 'open', fields, lines: [] };
          for (const l of lineItems ?? []) po.lines.push({ key: `${key}_line_${l.lineNo}`, lineNo: l.lineNo });
          this.purchaseOrders.set(key, po);
          return this.snapshot(po, ref);
        }),
      addPurchaseOrderLine: (input) =>
        this.call('addPurchaseOrderLine', input, () => {
          const { purchaseOrderKey: key, line } = input;
          const po = this.po(key);
          const added = { key: `${key}_line_${String(line.lineNo)}`, lineNo: Number(line.lineNo) };
          po.lines.push(added);
          return added;
        }),
      listPurchaseOrderLines: (input) =>
        this.call('listPurchaseOrderLines', input, () => this.po(input.purchaseOrderKey).lines.map((l) => ({ ...l }))),
      updatePurchaseOrder: (input) =>
        this.call('updatePurchaseOrder', input, () => {
          const po = this.po(input.key);
          Object.assign(po.fields, input.changes);
          return this.snapshot(po, input.referenceField);
        }),
      setPurchaseOrderStatus: (input) =>
        this.call('setPurchaseOrderStatus', input, () => {
          const po = this.po(input.key);
          po.status = input.status;
          return this.snapshot(po, input.referenceField);
        }),
      // The connection's purchase-order statuses (key, code and name alike here: the status a PO holds).
      listPurchaseOrderStatuses: (input) =>
        this.call('listPurchaseOrderStatuses', input, () =>
          ['open', 'approved', 'cancelled', 'closed'].map((s) => ({ key: s, code: s, name: s })),
        ),
      // The probe never throws for an answer (src/connections/probe.ts): up, down or auth.
      probeConnection: async (input) => {
        const n = (this.counts.get('probeConnection') ?? 0) + 1;
        this.counts.set('probeConnection', n);
        const outcome = this.probe(n);
        this.calls.push({ name: 'probeConnection', input: { ...input }, at: await this.now(), answer: outcome });
        return { outcome, message: `probe ${n}: ${outcome}` };
      },
    };
  }
}
