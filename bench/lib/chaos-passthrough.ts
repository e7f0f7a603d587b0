// What the chaos run needs to read a call to Makini's passthrough in the sandbox's request log: the
// request to the system's own API inside it (the log keeps the passthrough body: `{ path, method,
// headers, query, body }`), whether that reaches the system as a write, and which write it belongs
// to: the native reference the dialect put in it (src/makini/passthrough/), the create's
// idempotency key.
//   - netsuite-rest: `PUT record/v1/purchaseOrder/eid:{externalId}` (and `externalId` in the body);
//   - sap-odata: `POST …/A_PurchaseOrder` with `CorrespncExternalReference` (Your Reference);
//   - dynamics-batch: `POST data/$batch`, the PurchaseOrderNumber of its changeset's header.
import type { FaultScript, RequestLogEntry } from '../../sandbox/index.js';
import { dialectNamed } from '../../src/makini/passthrough/index.js';
import type { PassthroughDialectName } from '../../src/makini/workflow/passthrough-dialects.js';
import { nativeRequestOf, passthroughFaultPrefix } from '../../sandbox/passthrough.js';
import { boundaryOf, parseHttpPart, partHeaders, splitParts } from '../../src/makini/passthrough/multipart.js';
import { SAP_REFERENCE_FIELD } from '../../src/makini/passthrough/sap-odata.js';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import type { Chain, ChaosConnection } from './chaos-plan.js';

type Logged = Pick<RequestLogEntry, 'method' | 'path' | 'body'>;

/** The system's own request inside a passthrough call (method in upper case), or undefined for any other request. */
export function innerOf(e: Logged): { method: string; path: string; headers: Record<string, string>; body: unknown } | undefined {
  if (e.path !== MakiniPath.passthrough()) return undefined;
  const { req } = nativeRequestOf(e.body);
  return req && { method: req.method.toUpperCase(), path: req.path.replace(/^\/+/, ''), headers: req.headers, body: req.body };
}

const WRITE_METHODS = new Set(['POST', 'PUT']);

/** A request that may write to the system: a POST or PUT, and for a passthrough call its inner one (a native GET is a read). */
export function isWriteRequest(e: Logged): boolean {
  if (!WRITE_METHODS.has(e.method)) return false;
  const inner = innerOf(e);
  return e.path !== MakiniPath.passthrough() || (inner !== undefined && inner.method !== 'GET');
}

/** How the judge names a request: `PUT /api/eam/…`, or `POST /api/passthrough → PUT record/v1/…`. */
export function requestLine(e: Logged): string {
  const inner = innerOf(e);
  return `${e.method} ${e.path}${inner ? ` → ${inner.method} ${inner.path}` : ''}`;
}

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

const NETSUITE_PO = /^(?:services\/rest\/)?record\/v1\/purchaseOrder\/eid:([^/?]+)$/;
const SAP_PO_SET = /^sap\/opu\/odata\/sap\/API_PURCHASEORDER_PROCESS_SRV\/A_PurchaseOrder$/;

/**
 * The native reference a passthrough WRITE carries (the create's idempotency key), or undefined
 * when it carries none this judge can read (then it belongs to no planned write).
 */
export function nativeReferenceOf(e: Logged): string | undefined {
  const inner = innerOf(e);
  if (!inner || inner.method === 'GET') return undefined;
  const ns = NETSUITE_PO.exec(inner.path);
  if (ns) return decodeURIComponent(ns[1]!);
  if (SAP_PO_SET.test(inner.path)) {
    const ref = obj(inner.body)?.[SAP_REFERENCE_FIELD];
    return typeof ref === 'string' ? ref : undefined;
  }
  if (inner.path === 'data/$batch') return changesetPoNumber(inner.headers['content-type'], inner.body);
  return undefined;
}

/** The PurchaseOrderNumber of a $batch's changeset: its header's, when every line names the same one. */
function changesetPoNumber(contentType: string | undefined, body: unknown): string | undefined {
  const boundary = boundaryOf(contentType);
  if (!boundary || typeof body !== 'string') return undefined;
  const [first] = splitParts(body, boundary);
  const { headers, rest } = partHeaders(first ?? '');
  const changeset = boundaryOf(headers['content-type']);
  if (!changeset) return undefined;
  const numbers = splitParts(rest, changeset).map((p) => {
    try {
      return obj(JSON.parse(parseHttpPart(p).body))?.PurchaseOrderNumber;
    } catch {
      return undefined;
    }
  });
  const [number] = numbers;
  return typeof number === 'string' && numbers.every((n) => n === number) ? number : undefined;
}

/** A chaos fault answered inside the passthrough envelope (Makini's 2xx around the system's 5xx). */
export const innerFault = (e: Pick<RequestLogEntry, 'path' | 'status' | 'fault'>): boolean =>
  e.path === MakiniPath.passthrough() && e.status >= 200 && e.status < 300 && /:(server-error|commit-then-fail)(\+|$)/.test(e.fault ?? '');

/** What the run sent through one dialect: its creates and their outcomes, the native calls and the faults on them. */
export interface PassthroughCounts {
  connections: string[];
  /** PO creates planned on its connections; completed; refused as planned (a line the system refused, or the profile); failed otherwise. */
  creates: number;
  completed: number;
  refused: number;
  failed: number;
  /** Of the creates, those with a line the system refuses (each must be refused and leave nothing). */
  refusedLinePlanned: number;
  /** Passthrough calls whose inner request writes (the creates) or reads (lookups, read-backs, SAP's CSRF fetch). */
  nativeWrites: number;
  nativeReads: number;
  /** Faults on the native writes; of them answered inside the envelope (the system's own 5xx); applied, then answered badly. */
  faultsOnWrites: number;
  innerFaults: number;
  appliedThenFaulted: number;
}

/** Per dialect, from the plan, the write outcomes and the sandbox's request logs. */
export function passthroughCounts(
  plan: { chains: readonly Chain[]; connections: readonly ChaosConnection[] },
  outcomes: readonly (readonly { status: string; failure?: unknown }[])[],
  logs: Readonly<Record<string, readonly RequestLogEntry[]>>,
): Record<string, PassthroughCounts> {
  const out: Record<string, PassthroughCounts> = {};
  const of = (dialect: string) =>
    (out[dialect] ??= {
      connections: [],
      creates: 0,
      completed: 0,
      refused: 0,
      failed: 0,
      refusedLinePlanned: 0,
      nativeWrites: 0,
      nativeReads: 0,
      faultsOnWrites: 0,
      innerFaults: 0,
      appliedThenFaulted: 0,
    });
  for (const c of plan.connections) {
    if (!c.passthrough) continue;
    const n = of(c.passthrough);
    n.connections.push(c.id);
    for (const e of logs[c.id] ?? []) {
      if (e.path !== MakiniPath.passthrough()) continue;
      if (!isWriteRequest(e)) {
        n.nativeReads++;
        continue;
      }
      n.nativeWrites++;
      if (!e.fault) continue;
      n.faultsOnWrites++;
      if (innerFault(e)) n.innerFaults++;
      if (e.writeApplied) n.appliedThenFaulted++;
    }
  }
  plan.chains.forEach((chain, i) => {
    const d = chain.writes[0]?.data;
    if (d?.kind !== 'po-create' || !d.passthrough) return;
    const n = of(d.passthrough);
    n.creates++;
    if (d.refusedLine !== undefined) n.refusedLinePlanned++;
    const o = outcomes[i]?.[0];
    if (o?.status === 'completed') n.completed++;
    else if (o?.status === 'failed') n[chain.writes[0]!.expect === 'refused' ? 'refused' : 'failed']++;
  });
  return out;
}

/**
 * A fault every passthrough connection meets on its first native write, whatever the seed rolls:
 * the system applies the create and answers its own 500 inside Makini's 200 (the unfavourable
 * side: the write must look the PO up, not send it again). A chaos run with few writes per
 * dialect (the cluster run splits them over two connections each) would otherwise let a dialect
 * go unfaulted by chance, and prove nothing about it. Aimed at the dialect's own create method
 * (its inner GETs, the lookup and SAP's CSRF fetch, are reads).
 */
export function firstNativeWriteFault(dialect: PassthroughDialectName): FaultScript {
  const create = dialectNamed(dialect).createPurchaseOrder({ reference: 'chaos-probe', header: {}, lines: [] });
  return {
    kind: 'commit-then-fail',
    status: 500,
    inner: true,
    method: 'POST',
    pathPrefix: passthroughFaultPrefix(create.method),
    times: 1,
  };
}
