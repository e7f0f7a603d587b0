// The judge of a chaos run: from the sandbox's state and request log only (what the connected
// system holds and what reached it), plus what each write answered its caller. Pure: same inputs,
// same verdict (test/chaos/chaos-judge.test.ts feeds it states with a duplicate, a lost write, an
// adjustment applied twice, ...).
//
// How a request is tied to a write: the plan gives every record exactly one chain, and a chain
// writes one write at a time (chaos-plan.ts). So every write request the sandbox logged on a
// record (found by its path, or for a create by the idempotency key in its body) falls in the time
// of exactly one write of that record's chain: from just before its start to just after its
// outcome reached the caller. A call to Makini's passthrough is read by the system's own request
// inside it (chaos-passthrough.ts): a native read is no write; a native create is tied by the
// reference its dialect put in it (NetSuite's externalId, SAP's Your Reference, the PO number of a
// Dynamics changeset), the create's idempotency key, and its record is judged in the state as a
// unified one is (the sandbox's native stand-ins keep the connection's purchase orders, `code` =
// that reference). A request outside every window, or on no planned record, is a violation. Then
// for each chain the judge replays what the sandbox applied, write by write, and compares with what
// each write said:
//   - exactly one record per idempotency key, with exactly its lines (lineNo, material KEY,
//     quantity, price, unit KEY) or its materials (each once, with its quantity);
//   - absolute updates hold their values: the last update that applied is what the record shows;
//   - every adjustment applied exactly once: the only value an adjustment may write is
//     (quantity before it) + delta, it must have read that quantity, and the record ends at
//     initial + the deltas that applied; a FAILED adjustment is proven not applied by the log
//     (nothing of it was applied in its time), else it is reported ("failed, but applied");
//   - a late duplicate (a create, line or material committed after its write sent it again) is
//     no violation only when the write says so: undone (`duplicatesUndone`, and the record is
//     cancelled) or reported (`LateDuplicateLeft` naming it in `leftInSystem`); counted apart;
//   - a refusal writes nothing; a refusal by the profile sends nothing at all; a create refused for
//     one of its lines (by the native system, in one request) leaves no record at all;
//   - no purchase order holds fewer lines than its create sent, unless the create's undo ran
//     (PARTIAL: a header without its lines; a native create has no undo, it is all or nothing);
//   - a write that completed applied something in its time (or says it found it already applied);
//   - every failure is an ApplicationFailure of an exported type, non-retryable, with a message.
import type { RequestLogEntry, SandboxState } from '../../sandbox/index.js';
import { MakiniFailureType, WriteFailureType } from '../../src/failures/workflow/failure-types.js';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import { isWriteRequest, nativeReferenceOf, requestLine } from './chaos-passthrough.js';
import type { Chain, PlannedWrite, WriteData } from './chaos-plan.js';

/** What became of one planned write, as the service that started it saw it. */
export interface WriteOutcome {
  status: 'completed' | 'failed' | 'skipped' | 'stuck';
  workflowId?: string;
  result?: unknown;
  failure?: {
    /** The failure is an ApplicationFailure (else: what it was). */
    applicationFailure: boolean;
    type: string;
    message: string;
    nonRetryable: boolean;
    /** The step it failed in (details[0].step), when it names one. */
    step?: string;
    /** `LateDuplicateLeft`: the late duplicates it reports left in the system (details[0].leftInSystem). */
    leftInSystem?: string[];
  };
  /** Local time just before it was started, and just after its outcome arrived (ms). */
  from?: number;
  to?: number;
  /** Skipped: why it was not started. */
  why?: string;
}

export interface JudgeInput {
  chains: readonly Chain[];
  /** outcomes[i][j]: chain i, write j. */
  outcomes: readonly (readonly WriteOutcome[])[];
  states: Readonly<Record<string, SandboxState>>;
  logs: Readonly<Record<string, readonly RequestLogEntry[]>>;
}

export interface Verdict {
  violations: string[];
  /** Failed writes that applied something anyway (a failure type that admits it), for the report. */
  failedButApplied: string[];
  /** Failed writes, each with its type and message. */
  failures: string[];
  failuresByType: Record<string, number>;
  /** Per write type: planned, completed, refused as planned, failed otherwise, skipped, stuck. */
  byType: Record<string, { planned: number; completed: number; refused: number; failed: number; skipped: number; stuck: number }>;
  /** Failed writes proven not applied (nothing of them in the sandbox's log). */
  failedProvenNotApplied: number;
  /** Records checked exactly against the sandbox's state. */
  recordsChecked: number;
  /** Write requests attributed to a write. */
  writeRequestsAttributed: number;
  /** The headline invariants: each must be 0 (each also is among the violations). */
  counts: {
    duplicates: number;
    lost: number;
    stuck: number;
    adjustmentsNotExactlyOnce: number;
    writtenByARefusal: number;
    landedLate: number;
    /** Purchase orders holding fewer lines than their create sent (a header without its lines), undo aside. */
    partialRecords: number;
  };
  /** Late duplicates the writes named: undone (cancelled, in a result's `duplicatesUndone`) or reported left (`LateDuplicateLeft`). */
  lateDuplicates: { undone: number; left: number };
  /** Chains (indexes) a violation is about: their histories are worth reading. */
  implicatedChains: number[];
}

const KNOWN_FAILURE_TYPES = new Set<string>([...Object.values(WriteFailureType), ...Object.values(MakiniFailureType)]);
/** A refusal (the write was not made, and nothing of it may be in the system). */
const REFUSAL_TYPES = new Set<string>([
  WriteFailureType.restrictionViolated,
  WriteFailureType.invalidInput,
  WriteFailureType.workflowIdNotDerived,
  WriteFailureType.idempotencyKeyUsed,
  MakiniFailureType.rejected,
  // "looked it up after a garbled 2xx and it is not there"
  MakiniFailureType.malformedResponse,
]);
/** Failures chaos may cause in a write planned to succeed (typed, named); the state must still be exact. */
const TOLERATED_UNPLANNED = new Set<string>([
  WriteFailureType.retryBudgetExhausted,
  WriteFailureType.compensated,
  // The undo itself failed under the faults; it names what it left (the state is still judged exactly).
  WriteFailureType.compensationFailed,
  // The write succeeded; a late duplicate it could not undo is named (and judged as left).
  WriteFailureType.lateDuplicateLeft,
  MakiniFailureType.rejected,
  MakiniFailureType.malformedResponse,
]);
/** How a planned refusal may fail: the profile's check, the system's 4xx (a garbled 2xx over it, or a budget spent on faults). */
const REFUSED_AS_PLANNED = new Set<string>([
  WriteFailureType.restrictionViolated,
  MakiniFailureType.rejected,
  MakiniFailureType.malformedResponse,
  WriteFailureType.retryBudgetExhausted,
]);
/** The idempotency key's marker where a CMMS keeps it in the description (src/writes/work-orders/workflow/reference.ts). */
const markerOf = (key: string) => `[makini-writes:${key}]`;
/** Status a cancelled purchase order has, per system (its profile's `delete.status`). */
const PO_CANCEL_STATUS: Record<string, string> = { netsuite: 'closed' };
const poCancelStatus = (system: string) => PO_CANCEL_STATUS[system] ?? 'cancelled';

type Entry = RequestLogEntry & { at: number };

/** The late duplicates a write names: undone by it (its result) or left (its `LateDuplicateLeft`). */
function lateOf(o: WriteOutcome | undefined): { undone: string[]; left: string[] } {
  const undone = (o?.result as { duplicatesUndone?: unknown } | undefined)?.duplicatesUndone;
  return {
    undone: Array.isArray(undone) ? undone.filter((k): k is string => typeof k === 'string') : [],
    left: o?.failure?.type === WriteFailureType.lateDuplicateLeft ? (o.failure.leftInSystem ?? []) : [],
  };
}

export function judge(input: JudgeInput): Verdict {
  const violations: string[] = [];
  const failedButApplied: string[] = [];
  const failures: string[] = [];
  const failuresByType: Record<string, number> = {};
  const byType: Verdict['byType'] = {};
  let failedProvenNotApplied = 0;
  let recordsChecked = 0;
  let writeRequestsAttributed = 0;
  const lateDuplicates = { undone: 0, left: 0 };
  const implicated = new Set<number>();

  // --- Which chain each record belongs to (by idempotency key of its create, or inventory). ---
  const chainOfCreateKey = new Map<string, number>();
  const chainOfInventory = new Map<string, number>(); // `${connectionId} ${inventoryKey | material:<key>}`
  input.chains.forEach((c, i) => {
    if (c.kind === 'purchase-order' || c.kind === 'work-order') chainOfCreateKey.set(c.writes[0]!.idempotencyKey, i);
    if (c.inventory) {
      chainOfInventory.set(`${c.connectionId} ${c.inventory.inventoryKey}`, i);
      chainOfInventory.set(`${c.connectionId} material:${c.inventory.materialKey}`, i);
    }
  });
  const poKeysOf = new Map<number, string[]>(); // chain → PO keys in the state with its create key
  const woKeysOf = new Map<number, string[]>();
  const chainOfPo = new Map<string, number>(); // `${connectionId} ${poKey}`
  const chainOfWo = new Map<string, number>();
  // The records the creates answered (also when the sandbox lost them: their later writes still count).
  input.chains.forEach((c, i) => {
    const r = input.outcomes[i]?.[0]?.result as { purchaseOrderKey?: unknown; workOrderKey?: unknown } | undefined;
    if (typeof r?.purchaseOrderKey === 'string') chainOfPo.set(`${c.connectionId} ${r.purchaseOrderKey}`, i);
    if (typeof r?.workOrderKey === 'string') chainOfWo.set(`${c.connectionId} ${r.workOrderKey}`, i);
  });
  for (const [connectionId, state] of Object.entries(input.states)) {
    for (const po of state.purchaseOrders) {
      const i = typeof po.code === 'string' ? chainOfCreateKey.get(po.code) : undefined;
      if (i === undefined || input.chains[i]!.connectionId !== connectionId) {
        violations.push(`${connectionId}: purchase order ${po.key} (code ${String(po.code)}) was written by no planned write`);
        continue;
      }
      poKeysOf.set(i, [...(poKeysOf.get(i) ?? []), po.key]);
      chainOfPo.set(`${connectionId} ${po.key}`, i);
    }
    for (const wo of state.workOrders) {
      const i = woChainOf(wo, connectionId);
      if (i === undefined) {
        violations.push(`${connectionId}: work order ${wo.key} (code ${String(wo.code)}) was written by no planned write`);
        continue;
      }
      woKeysOf.set(i, [...(woKeysOf.get(i) ?? []), wo.key]);
      chainOfWo.set(`${connectionId} ${wo.key}`, i);
    }
  }
  function woChainOf(wo: { code?: unknown; description?: unknown }, connectionId: string): number | undefined {
    const byCode = typeof wo.code === 'string' ? chainOfCreateKey.get(wo.code) : undefined;
    if (byCode !== undefined && input.chains[byCode]!.connectionId === connectionId) return byCode;
    const m = typeof wo.description === 'string' ? /\[makini-writes:([^\]]+)\]/.exec(wo.description) : null;
    const byMarker = m ? chainOfCreateKey.get(m[1]!) : undefined;
    return byMarker !== undefined && input.chains[byMarker]!.connectionId === connectionId ? byMarker : undefined;
  }

  // --- Every write request, attributed to one write of one chain. ---
  const requestsOf = new Map<string, Entry[]>(); // `${chain} ${write}` → its write requests
  const poPrefix = `${MakiniPath.purchaseOrders()}/`;
  const woPrefix = `${MakiniPath.workOrders()}/`;
  const invPrefix = `${MakiniPath.inventories()}/`;
  for (const [connectionId, log] of Object.entries(input.logs)) {
    if (log.length && log[0]!.seq !== 1)
      violations.push(`${connectionId}: the request log was truncated (first entry ${log[0]!.seq}); the judgement is incomplete`);
    for (const raw of log) {
      if (!isWriteRequest(raw)) continue;
      const e: Entry = { ...raw, at: Date.parse(raw.time) };
      const body = (typeof e.body === 'object' && e.body !== null ? e.body : {}) as Record<string, unknown>;
      let chain: number | undefined;
      if (e.path === MakiniPath.passthrough()) {
        const reference = nativeReferenceOf(e);
        chain = reference === undefined ? undefined : chainOfCreateKey.get(reference);
      } else if (e.path === MakiniPath.purchaseOrders() || e.path === MakiniPath.workOrders()) {
        chain = typeof body.code === 'string' ? chainOfCreateKey.get(body.code) : undefined;
        if (chain === undefined && e.path === MakiniPath.workOrders()) chain = woChainOf(body, connectionId);
      } else if (e.path.startsWith(poPrefix)) {
        chain = chainOfPo.get(`${connectionId} ${decodeURIComponent(e.path.slice(poPrefix.length).split('/')[0]!)}`);
      } else if (e.path.startsWith(woPrefix)) {
        chain = chainOfWo.get(`${connectionId} ${decodeURIComponent(e.path.slice(woPrefix.length).split('/')[0]!)}`);
      } else if (e.path.startsWith(invPrefix)) {
        chain = chainOfInventory.get(`${connectionId} ${decodeURIComponent(e.path.slice(invPrefix.length))}`);
      } else {
        const m = /^\/api\/eam\/materials\/([^/]+)\/inventory$/.exec(e.path);
        if (m) chain = chainOfInventory.get(`${connectionId} material:${decodeURIComponent(m[1]!)}`);
      }
      const what = `${connectionId} ${requestLine(e)} (#${e.seq}, ${e.time}${e.writeApplied ? ', applied' : ''}${e.fault ? `, ${e.fault}` : ''})`;
      if (chain === undefined || input.chains[chain]!.connectionId !== connectionId) {
        // A refused request on a record that never existed (e.g. a key typo) would land here too.
        if (e.writeApplied) violations.push(`${what}: applied, but belongs to no planned write`);
        continue;
      }
      const outcomes = input.outcomes[chain]!;
      const j = outcomes.findIndex((o) => o.from !== undefined && o.to !== undefined && e.at >= o.from && e.at <= o.to);
      if (j < 0) {
        if (e.writeApplied) {
          violations.push(
            `${what}: applied outside the time of every write of chain ${input.chains[chain]!.id} (a write that landed late)`,
          );
          implicated.add(chain);
        }
        continue;
      }
      writeRequestsAttributed++;
      const k = `${chain} ${j}`;
      requestsOf.set(k, [...(requestsOf.get(k) ?? []), e]);
    }
  }
  const sent = (i: number, j: number) => requestsOf.get(`${i} ${j}`) ?? [];
  const applied = (i: number, j: number) => sent(i, j).filter((e) => e.writeApplied);
  // A request of another kind than its write sends (e.g. a title PUT in the time of a cancel) is an
  // earlier write of the chain landing late.
  input.chains.forEach((chain, i) =>
    chain.writes.forEach((w, j) => {
      for (const e of applied(i, j)) {
        if (!REQUESTS_OF[w.data.kind].test(requestLine(e))) {
          violations.push(
            `${w.idempotencyKey} (${w.role}): ${requestLine(e)} (#${e.seq}) was applied in its time, but it sends no such request`,
          );
          implicated.add(i);
        }
      }
    }),
  );

  // --- Each write's outcome against its plan. ---
  input.chains.forEach((chain, i) => {
    chain.writes.forEach((w, j) => {
      const o = input.outcomes[i]?.[j] ?? { status: 'stuck' as const };
      const name = `${w.idempotencyKey} (${w.type} on ${chain.system}, ${w.role})`;
      const flag = (msg: string) => {
        violations.push(msg);
        implicated.add(i);
      };
      const t = (byType[w.type] ??= { planned: 0, completed: 0, refused: 0, failed: 0, skipped: 0, stuck: 0 });
      t.planned++;
      if (o.status === 'skipped') return void t.skipped++;
      if (o.status === 'stuck') {
        t.stuck++;
        flag(`${name}: still running at the end (stuck)${o.workflowId ? `: workflow ${o.workflowId}` : ''}`);
        return;
      }
      const wrote = applied(i, j);
      if (o.status === 'completed') {
        t.completed++;
        if (w.expect === 'refused') flag(`${name}: must be refused, yet completed`);
        const said = (o.result ?? {}) as { alreadyApplied?: boolean };
        if (wrote.length === 0 && said.alreadyApplied !== true) flag(`${name}: completed, yet nothing of it was applied in its time`);
        return;
      }
      const f = o.failure!;
      failuresByType[f.type] = (failuresByType[f.type] ?? 0) + 1;
      failures.push(`${name}: ${f.type}: ${f.message}`);
      if (!f.applicationFailure || !f.nonRetryable || !KNOWN_FAILURE_TYPES.has(f.type) || !f.message) {
        flag(
          `${name}: failed without a typed, non-retryable failure (${f.applicationFailure ? '' : 'not an ApplicationFailure, '}` +
            `type ${f.type}, nonRetryable ${f.nonRetryable}, message "${f.message}")`,
        );
      }
      if (w.expect === 'refused') {
        t.refused++;
        if (!REFUSED_AS_PLANNED.has(f.type)) flag(`${name}: must be refused, failed with ${f.type}: ${f.message}`);
        if (forbiddenByProfile(w.data) && f.type !== WriteFailureType.restrictionViolated)
          flag(`${name}: the profile forbids it, yet it failed with ${f.type}`);
      } else {
        t.failed++;
        if (!TOLERATED_UNPLANNED.has(f.type)) flag(`${name}: failed for an unexpected reason: ${f.type}: ${f.message}`);
      }
      // Nothing after a refusal: a profile refusal sends nothing; any refusal applies nothing.
      if (f.type === WriteFailureType.restrictionViolated && sent(i, j).length) {
        flag(
          `${name}: refused by its profile, yet ${sent(i, j).length} write request(s) were sent: ${sent(i, j)
            .map((e) => `${requestLine(e)} #${e.seq}`)
            .join(', ')}`,
        );
      }
      if (wrote.length === 0) failedProvenNotApplied++;
      else if (REFUSAL_TYPES.has(f.type))
        flag(
          `${name}: failed with ${f.type} (nothing written), yet ${wrote.length} write(s) of it were applied: ${wrote.map((e) => `${requestLine(e)} #${e.seq}`).join(', ')}`,
        );
      else
        failedButApplied.push(
          `${name}: ${f.type}, yet applied ${wrote.length} write(s) (${wrote.map((e) => `${requestLine(e)} #${e.seq}`).join(', ')})`,
        );
    });
  });

  // --- Each chain's record, replayed from what the sandbox applied, against its state. ---
  input.chains.forEach((chain, i) => {
    const state = input.states[chain.connectionId];
    if (!state) return void violations.push(`chain ${chain.id}: no sandbox state for ${chain.connectionId}`);
    const outcomes = input.outcomes[i] ?? [];
    const ok = (j: number) => outcomes[j]?.status === 'completed';
    const did = (j: number) => applied(i, j).length > 0;
    const fail = (msg: string) => {
      violations.push(`chain ${chain.id} (${chain.kind} on ${chain.connectionId}): ${msg}`);
      implicated.add(i);
    };
    if (chain.kind === 'purchase-order') judgePurchaseOrder(chain, i, state, ok, did, (j) => applied(i, j), fail);
    else if (chain.kind === 'work-order') judgeWorkOrder(chain, i, state, ok, did, fail);
    else if (chain.kind === 'inventory-update') judgeInventoryUpdates(chain, i, state, fail);
    else judgeAdjustments(chain, i, state, fail);
  });

  const tally = (re: RegExp) => violations.filter((v) => re.test(v)).length;
  const counts = {
    duplicates: tally(/DUPLICATE/),
    lost: tally(/LOST|completed, yet nothing of it was applied/),
    stuck: Object.values(byType).reduce((n, t) => n + t.stuck, 0),
    adjustmentsNotExactlyOnce: tally(/an adjustment applied twice|\) applied quantity/),
    writtenByARefusal: tally(/refused by its profile, yet|\(nothing written\), yet|must be refused, yet completed/),
    landedLate: tally(/outside the time of every write|but it sends no such request/),
    partialRecords: tally(/PARTIAL/),
  };
  return {
    counts,
    violations,
    failedButApplied,
    failures,
    failuresByType,
    byType,
    failedProvenNotApplied,
    recordsChecked,
    writeRequestsAttributed,
    lateDuplicates,
    implicatedChains: [...implicated].sort((a, b) => a - b),
  };

  function judgePurchaseOrder(
    chain: Chain,
    i: number,
    state: SandboxState,
    ok: (j: number) => boolean,
    did: (j: number) => boolean,
    appliedOf: (j: number) => readonly RequestLogEntry[],
    fail: (m: string) => void,
  ) {
    const create = chain.writes[0]!.data as Extract<WriteData, { kind: 'po-create' }>;
    const o0 = input.outcomes[i]?.[0];
    const late = lateOf(o0);
    const keys = sweptLate(
      poKeysOf.get(i) ?? [],
      late,
      (k) => state.purchaseOrders.find((p) => p.key === k)?.status,
      poCancelStatus(chain.system),
      fail,
    );
    if (keys.length > 1)
      return fail(`DUPLICATE: ${keys.length} purchase orders with code ${chain.writes[0]!.idempotencyKey}: ${keys.join(', ')}`);
    // A create refused as planned (by its profile, or by the system for one of its lines) leaves nothing.
    if (keys.length && chain.writes[0]!.expect === 'refused')
      fail(`${keys[0]} carries the key of a create refused as planned (nothing written), yet it is in the system`);
    if (keys.length === 0) {
      if (ok(0))
        fail(
          `LOST: the create completed (${(o0?.result as { purchaseOrderKey?: string })?.purchaseOrderKey}), but no purchase order has code ${chain.writes[0]!.idempotencyKey}`,
        );
      return;
    }
    recordsChecked++;
    const po = state.purchaseOrders.find((p) => p.key === keys[0])!;
    if (ok(0) && (o0?.result as { purchaseOrderKey?: string })?.purchaseOrderKey !== po.key)
      fail(`the create answered ${(o0?.result as { purchaseOrderKey?: string })?.purchaseOrderKey}, the sandbox holds ${po.key}`);
    for (const f of ['vendorKey', 'siteKey', 'currencyKey'] as const) {
      if (po[f] !== create.header[f]) fail(`${po.key} has ${f} ${String(po[f])}, the write sent the key ${create.header[f]}`);
    }
    // Lines: each planned line at most once, exactly as sent; all of them when the create completed
    // (a late second line the create reported left is counted apart).
    const lineItems = withoutLeft(po.lineItems, late.left);
    const lineNos = lineItems.map((l) => Number(l.lineNo));
    if (new Set(lineNos).size !== lineNos.length) fail(`DUPLICATE line: ${po.key} has lineNos ${lineNos.join(',')}`);
    for (const l of lineItems) {
      const want = create.lines.find((p) => p.lineNo === Number(l.lineNo));
      if (!want) {
        fail(`${po.key} has a line ${String(l.lineNo)} no write planned`);
        continue;
      }
      const wrong = (['materialKey', 'quantity', 'price', 'uomKey', 'name'] as const).filter((f) => l[f] !== want[f]);
      if (wrong.length)
        fail(`${po.key} line ${want.lineNo} differs in ${wrong.map((f) => `${f} (${String(l[f])}, sent ${String(want[f])})`).join(', ')}`);
    }
    const createFailure = input.outcomes[i]?.[0]?.failure?.type;
    const compensated = createFailure === WriteFailureType.compensated;
    // A create that failed line by line ran its undo: complete (compensated) or not (compensationFailed).
    const undoRan = compensated || createFailure === WriteFailureType.compensationFailed;
    if ((ok(0) || !undoRan) && lineNos.length !== create.lines.length) {
      fail(
        `${lineNos.length < create.lines.length ? 'PARTIAL: ' : ''}${po.key} has ${lineNos.length} lines (${[...lineNos].sort((a, b) => a - b).join(',')}), ` +
          `${ok(0) ? 'the create completed with' : 'the write sent'} ${create.lines.length}${create.passthrough ? ` in one ${create.passthrough} request` : ''}`,
      );
    }
    // The undo's cancel, if the sandbox applied it (its answer may have been lost: a failed undo can
    // have landed, so the status comes from what applied, not from what the write reported).
    const undoApplied = appliedOf(0).some((e) => e.method === 'PUT' && e.path === MakiniPath.purchaseOrderStatus(po.key));
    if (compensated && !undoApplied && po.status !== poCancelStatus(chain.system))
      fail(`${po.key} is ${po.status}: the create reported ${WriteFailureType.compensated}, but no cancel of it was applied`);
    // Title: the last update that applied; status: cancelled once a cancel applied (the create's undo or a cancel write).
    let title = create.header.title;
    let status = undoApplied ? poCancelStatus(chain.system) : 'draft';
    chain.writes.forEach((w, j) => {
      if (j === 0 || !did(j)) return;
      if (w.data.kind === 'po-update') title = w.data.title;
      if (w.data.kind === 'po-cancel') status = poCancelStatus(chain.system);
    });
    if (po.title !== title) fail(`${po.key} has title "${String(po.title)}", the writes that applied leave "${title}"`);
    if (po.status !== status) fail(`${po.key} is ${po.status}, the writes that applied leave it ${status}`);
  }

  function judgeWorkOrder(
    chain: Chain,
    i: number,
    state: SandboxState,
    ok: (j: number) => boolean,
    did: (j: number) => boolean,
    fail: (m: string) => void,
  ) {
    const create = chain.writes[0]!.data as Extract<WriteData, { kind: 'wo-create' }>;
    const o0 = input.outcomes[i]?.[0];
    const keys = sweptLate(woKeysOf.get(i) ?? [], lateOf(o0), (k) => state.workOrders.find((w) => w.key === k)?.status, 'cancelled', fail);
    // Late second materials a materials write reported left are counted apart.
    const materialsLeft = (input.outcomes[i] ?? []).slice(1).flatMap((o) => lateOf(o).left);
    if (keys.length > 1)
      return fail(`DUPLICATE: ${keys.length} work orders for idempotency key ${chain.writes[0]!.idempotencyKey}: ${keys.join(', ')}`);
    if (keys.length === 0) {
      if (ok(0))
        fail(
          `LOST: the create completed (${(o0?.result as { workOrderKey?: string })?.workOrderKey}), but no work order carries key ${chain.writes[0]!.idempotencyKey}`,
        );
      return;
    }
    recordsChecked++;
    const wo = state.workOrders.find((w) => w.key === keys[0])!;
    if (ok(0) && (o0?.result as { workOrderKey?: string })?.workOrderKey !== wo.key)
      fail(`the create answered ${(o0?.result as { workOrderKey?: string })?.workOrderKey}, the sandbox holds ${wo.key}`);
    if (
      chain.system === 'emaint' &&
      !(typeof wo.description === 'string' && wo.description.includes(markerOf(chain.writes[0]!.idempotencyKey)))
    ) {
      fail(`${wo.key} lost the idempotency key's marker from its description`);
    }
    let title = create.title;
    let status = 'open';
    const materials = new Map<string, number>();
    chain.writes.forEach((w, j) => {
      if (j === 0 || !did(j)) return;
      if (w.data.kind === 'wo-update') title = w.data.title;
      if (w.data.kind === 'wo-status') status = w.data.status;
      if (w.data.kind === 'wo-materials') {
        // Materials one request each: what applied is in the log, each with its material key.
        for (const e of applied(i, j)) {
          const key = (e.body as { materialKey?: string } | undefined)?.materialKey;
          const want = w.data.materials.find((m) => m.materialKey === key);
          if (!want) fail(`${w.idempotencyKey} applied material ${String(key)}, which it did not plan`);
          else materials.set(want.materialKey, want.requiredQuantity);
        }
        if (ok(j))
          for (const m of w.data.materials)
            if (!materials.has(m.materialKey)) fail(`${w.idempotencyKey} completed, yet material ${m.materialKey} was never applied`);
      }
    });
    if (wo.title !== title) fail(`${wo.key} has title "${String(wo.title)}", the writes that applied leave "${title}"`);
    if (wo.status !== status) fail(`${wo.key} is ${wo.status}, the writes that applied leave it ${status}`);
    const onIt = withoutLeft(wo.materials, materialsLeft);
    const have = onIt.map((m) => m.materialKey);
    if (new Set(have).size !== have.length) fail(`DUPLICATE material on ${wo.key}: ${have.join(',')}`);
    for (const m of onIt) {
      const want = materials.get(m.materialKey);
      if (want === undefined) fail(`${wo.key} has material ${m.materialKey}, which no write that applied added`);
      else if (m.requiredQuantity !== want)
        fail(`${wo.key} material ${m.materialKey} has requiredQuantity ${String(m.requiredQuantity)}, sent ${want}`);
    }
    for (const k of materials.keys()) if (!have.includes(k)) fail(`LOST material: ${k} was applied to ${wo.key} but is not on it`);
  }

  /**
   * The records of a create's key less its late duplicates: one it says it undid must be in the
   * cancel status (else a DUPLICATE), one it reports left is counted; both leave the judged set.
   */
  function sweptLate(
    keys: string[],
    late: { undone: string[]; left: string[] },
    statusOf: (key: string) => string | undefined,
    cancelStatus: string,
    fail: (m: string) => void,
  ): string[] {
    for (const k of keys) {
      if (late.left.includes(k)) lateDuplicates.left++;
      else if (!late.undone.includes(k)) continue;
      else if (statusOf(k) === cancelStatus) lateDuplicates.undone++;
      else fail(`DUPLICATE: ${k} is ${statusOf(k)}, yet the create says it undid it (a late duplicate)`);
    }
    return keys.filter((k) => !late.left.includes(k) && !late.undone.includes(k));
  }

  /** Lines or materials less those a write reported left (each must be there: counted). */
  function withoutLeft<T extends { key?: string }>(records: T[], left: readonly string[]): T[] {
    const kept = records.filter((r) => r.key === undefined || !left.includes(r.key));
    lateDuplicates.left += records.length - kept.length;
    return kept;
  }

  function judgeInventoryUpdates(chain: Chain, i: number, state: SandboxState, fail: (m: string) => void) {
    const inv = chain.inventory!;
    const record = state.inventories.find((r) => r.key === inv.inventoryKey);
    if (!record) return fail(`inventory ${inv.inventoryKey} is missing`);
    recordsChecked++;
    let want = { quantity: inv.initialQuantity, unitCost: inv.initialUnitCost };
    chain.writes.forEach((w, j) => {
      const d = w.data as Extract<WriteData, { kind: 'inventory-update' }>;
      const mine = applied(i, j);
      for (const e of mine) {
        const body = (e.body ?? {}) as { quantity?: unknown; unitCost?: unknown };
        if (body.quantity !== d.quantity || body.unitCost !== d.unitCost) {
          fail(`${w.idempotencyKey} applied ${JSON.stringify(e.body)} (#${e.seq}); it sets quantity ${d.quantity}, unitCost ${d.unitCost}`);
        }
      }
      if (mine.length) want = { quantity: d.quantity, unitCost: d.unitCost };
    });
    if (record.quantity !== want.quantity || record.unitCost !== want.unitCost) {
      fail(
        `${inv.inventoryKey} holds quantity ${record.quantity}, unitCost ${record.unitCost}; the last update that applied set ${want.quantity}, ${want.unitCost}`,
      );
    }
  }

  function judgeAdjustments(chain: Chain, i: number, state: SandboxState, fail: (m: string) => void) {
    const inv = chain.inventory!;
    const record = state.inventories.find((r) => r.key === inv.inventoryKey);
    if (!record) return fail(`inventory ${inv.inventoryKey} is missing`);
    recordsChecked++;
    let q = inv.initialQuantity;
    const trail: string[] = [`${q}`];
    chain.writes.forEach((w: PlannedWrite, j) => {
      const { delta } = w.data as Extract<WriteData, { kind: 'inventory-adjust' }>;
      const o = input.outcomes[i]?.[j];
      const mine = applied(i, j);
      // The only value this adjustment may ever write is the quantity it found + its delta.
      for (const e of mine) {
        const written = (e.body as { quantity?: unknown } | undefined)?.quantity;
        if (written !== q + delta)
          fail(
            `${w.idempotencyKey} (${delta > 0 ? '+' : ''}${delta}) applied quantity ${String(written)} (#${e.seq}) on ${q}: expected only ${q + delta}`,
          );
      }
      if (o?.status === 'completed') {
        const r = (o.result ?? {}) as { previousQuantity?: number; quantity?: number; delta?: number };
        if (r.previousQuantity !== q || r.quantity !== q + delta || r.delta !== delta) {
          fail(
            `${w.idempotencyKey} answered ${r.previousQuantity} ${r.delta} → ${r.quantity}; the record held ${q}, so ${q} ${delta} → ${q + delta}`,
          );
        }
      }
      if (mine.length) {
        q += delta;
        trail.push(`${delta > 0 ? '+' : ''}${delta}${o?.status === 'completed' ? '' : ' (failed, applied)'}`);
      }
    });
    if (record.quantity !== q)
      fail(
        `${inv.inventoryKey} holds ${record.quantity}; ${trail.join(' ')} = ${q} (an adjustment applied twice, lost, or applied by a failed write)`,
      );
  }
}

/** The requests each kind of write sends (method and path). */
const REQUESTS_OF: Record<WriteData['kind'], RegExp> = {
  // The header with or without its lines, each line, and the header's cancel if a line failed for good
  // (also the cancel of a late duplicate); through the passthrough, the one native create of its dialect.
  'po-create':
    /^(POST \/api\/eam\/purchase-orders|POST \/api\/eam\/purchase-orders\/[^/]+\/line-items|PUT \/api\/eam\/purchase-orders\/[^/]+\/status|POST \/api\/passthrough → (PUT record\/v1\/purchaseOrder\/eid:[^/]+|POST sap\/opu\/odata\/sap\/API_PURCHASEORDER_PROCESS_SRV\/A_PurchaseOrder|POST data\/\$batch))$/,
  'po-update': /^PUT \/api\/eam\/purchase-orders\/[^/]+$/,
  'po-cancel': /^PUT \/api\/eam\/purchase-orders\/[^/]+\/status$/,
  'wo-create': /^POST \/api\/eam\/work-orders$/,
  'wo-update': /^PUT \/api\/eam\/work-orders\/[^/]+$/,
  'wo-status': /^PUT \/api\/eam\/work-orders\/[^/]+\/status$/,
  'wo-materials': /^POST \/api\/eam\/work-orders\/[^/]+\/materials$/,
  'inventory-update': /^PUT \/api\/eam\/(inventories\/[^/]+|materials\/[^/]+\/inventory)$/,
  'inventory-adjust': /^PUT \/api\/eam\/(inventories\/[^/]+|materials\/[^/]+\/inventory)$/,
};

const forbiddenByProfile = (d: WriteData) =>
  (d.kind === 'po-create' && d.forbidden) ||
  (d.kind === 'wo-create' && d.forbidden) ||
  (d.kind === 'inventory-adjust' && d.delta <= -1_000_000);
