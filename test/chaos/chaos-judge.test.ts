// The chaos run's judge (bench/lib/chaos-judge.ts) on hand-made sandbox states and request logs:
// it passes an exact outcome and catches each way a write can go wrong (duplicate, lost, applied
// twice, applied by a write that failed as "not written", written after a refusal, landed late).
import { describe, expect, it } from 'vitest';
import type { RequestLogEntry, SandboxState } from '../../sandbox/index.js';
import { judge, type JudgeInput, type WriteOutcome } from '../../bench/lib/chaos-judge.js';
import { firstNativeWriteFault, isWriteRequest } from '../../bench/lib/chaos-passthrough.js';
import { nativeRequestOf, passthroughFaultPath } from '../../sandbox/passthrough.js';
import type { Chain, PlannedWrite, WriteData } from '../../bench/lib/chaos-plan.js';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import { dialectNamed } from '../../src/makini/passthrough/index.js';
import type { PassthroughDialectName } from '../../src/makini/workflow/passthrough-dialects.js';

const CONN = 'chaos-sap';
const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

const write = (role: string, type: PlannedWrite['type'], data: WriteData, extra: Partial<PlannedWrite> = {}): PlannedWrite =>
  ({ role, type, idempotencyKey: `k-${role}`, expect: 'succeed', input: () => ({}) as never, data, ...extra }) as PlannedWrite;

const line = { lineNo: 1, materialKey: 'mat-1', name: 'part 1', quantity: 1, price: 1, uomKey: 'EA' };
const header = { vendorKey: 'V-100', siteKey: '1000', currencyKey: 'EUR', title: 'chaos c0' };
const poChain: Chain = {
  id: 'c0',
  kind: 'purchase-order',
  connectionId: CONN,
  system: 'sap',
  writes: [
    write('create', 'createPurchaseOrder', { kind: 'po-create', lines: [line], header, forbidden: false }),
    write('update', 'updatePurchaseOrder', { kind: 'po-update', title: 'updated c0' }, { requires: 0 }),
  ],
};
const adjustChain: Chain = {
  id: 'c1',
  kind: 'inventory-adjust',
  connectionId: CONN,
  system: 'sap',
  inventory: {
    inventoryKey: 'inv-c1',
    materialKey: 'mat-c1',
    code: 'MC-1',
    initialQuantity: 10,
    initialUnitCost: 0,
    addressBy: 'inventoryKey',
  },
  writes: [
    write('adjust-1', 'adjustInventory', { kind: 'inventory-adjust', delta: 3 }),
    write('adjust-2', 'adjustInventory', { kind: 'inventory-adjust', delta: -1_000_000 }, { expect: 'refused' }),
    write('adjust-3', 'adjustInventory', { kind: 'inventory-adjust', delta: 5 }),
  ],
};

let seq = 0;
const entry = (s: number, method: string, path: string, body: unknown, applied = true, fault?: string): RequestLogEntry => ({
  seq: ++seq,
  time: at(s),
  method,
  path,
  query: '',
  status: applied ? 200 : 500,
  outcome: 'answered',
  requestId: `req-${seq}`,
  durationMs: 1,
  writeApplied: applied,
  body,
  ...(fault ? { fault } : {}),
});

const refused = (): NonNullable<WriteOutcome['failure']> => ({
  applicationFailure: true,
  type: 'WriteRestrictionViolated',
  message: 'negative stock',
  nonRetryable: true,
});

/** A run where everything went right: the PO created and updated, +3 and +5 applied, the refusal refused. */
function goodRun(): JudgeInput {
  seq = 0;
  const po = {
    key: 'PO1',
    code: 'k-create',
    status: 'draft',
    statusKey: 'po-status-draft',
    createdAt: at(1),
    updatedAt: at(12),
    ...header,
    title: 'updated c0',
    lineItems: [{ key: 'L1', purchaseOrderKey: 'PO1', createdAt: at(1), updatedAt: at(1), ...line }],
  };
  const state = {
    purchaseOrders: [po],
    workOrders: [],
    inventories: [{ key: 'inv-c1', quantity: 18, unitCost: 0 }],
  } as unknown as SandboxState;
  const log = [
    // The create's answer was lost after it committed; the lookup found it.
    entry(1, 'POST', MakiniPath.purchaseOrders(), { ...header, code: 'k-create', lineItems: [line] }, true, 'chaos:server-error+commit'),
    entry(12, 'PUT', MakiniPath.purchaseOrder('PO1'), { title: 'updated c0' }),
    entry(2, 'PUT', MakiniPath.inventory('inv-c1'), { quantity: 13 }, true, 'chaos:commit-then-fail'),
    entry(3, 'PUT', MakiniPath.inventory('inv-c1'), { quantity: 13 }), // the same absolute target again: harmless
    entry(31, 'PUT', MakiniPath.inventory('inv-c1'), { quantity: 18 }),
  ];
  const outcomes: WriteOutcome[][] = [
    [
      { status: 'completed', from: T0, to: T0 + 10_000, result: { purchaseOrderKey: 'PO1' } },
      { status: 'completed', from: T0 + 11_000, to: T0 + 13_000, result: { alreadyApplied: false } },
    ],
    [
      { status: 'completed', from: T0 + 1_000, to: T0 + 9_000, result: { previousQuantity: 10, delta: 3, quantity: 13 } },
      { status: 'failed', from: T0 + 10_000, to: T0 + 20_000, failure: refused() },
      { status: 'completed', from: T0 + 30_000, to: T0 + 40_000, result: { previousQuantity: 13, delta: 5, quantity: 18 } },
    ],
  ];
  return { chains: [poChain, adjustChain], outcomes, states: { [CONN]: state }, logs: { [CONN]: log } };
}

const woChain: Chain = {
  id: 'c2',
  kind: 'work-order',
  connectionId: CONN,
  system: 'sap',
  writes: [
    write('wo-create', 'createWorkOrder', { kind: 'wo-create', title: 'Swap belt', forbidden: false }),
    write(
      'wo-materials',
      'addWorkOrderMaterials',
      { kind: 'wo-materials', materials: [{ materialKey: 'mat-2', requiredQuantity: 3 }] },
      { requires: 0 },
    ),
  ],
};

/** A work order created, then one material added: each exactly once. */
function woRun(): JudgeInput {
  seq = 0;
  const material = {
    key: 'M1',
    workOrderKey: 'WO1',
    materialKey: 'mat-2',
    quantity: 3,
    requiredQuantity: 3,
    createdAt: at(5),
    updatedAt: at(5),
  };
  const wo = {
    key: 'WO1',
    code: 'k-wo-create',
    title: 'Swap belt',
    status: 'open',
    createdAt: at(1),
    updatedAt: at(5),
    materials: [material],
  };
  const state = { purchaseOrders: [], workOrders: [wo], inventories: [] } as unknown as SandboxState;
  const log = [
    entry(1, 'POST', MakiniPath.workOrders(), { title: 'Swap belt', code: 'k-wo-create' }),
    entry(5, 'POST', MakiniPath.workOrderMaterials('WO1'), { materialKey: 'mat-2', requiredQuantity: 3 }),
  ];
  const outcomes: WriteOutcome[][] = [
    [
      { status: 'completed', from: T0, to: T0 + 3_000, result: { workOrderKey: 'WO1' } },
      { status: 'completed', from: T0 + 4_000, to: T0 + 6_000, result: { workOrderKey: 'WO1', materials: [] } },
    ],
  ];
  return { chains: [woChain], outcomes, states: { [CONN]: state }, logs: { [CONN]: log } };
}

describe('chaos judge', () => {
  it('passes a work order and its material written exactly once', () => {
    const v = judge(woRun());
    expect(v.violations).toEqual([]);
    expect(v.recordsChecked).toBe(1);
  });

  // Each counted as a duplicate (the system accepted the second one; the judge must see it).
  it.each<[string, () => JudgeInput, (state: SandboxState) => void, RegExp]>([
    [
      'a duplicate work order',
      woRun,
      (s) => s.workOrders.push({ ...s.workOrders[0]!, key: 'WO2', materials: [] }),
      /DUPLICATE: 2 work orders for idempotency key k-wo-create: WO1, WO2/,
    ],
    [
      'a duplicate material on a work order',
      woRun,
      (s) => s.workOrders[0]!.materials.push({ ...s.workOrders[0]!.materials[0]!, key: 'M2' }),
      /DUPLICATE material on WO1: mat-2,mat-2/,
    ],
    [
      'a duplicate line on a purchase order',
      goodRun,
      (s) => s.purchaseOrders[0]!.lineItems.push({ ...s.purchaseOrders[0]!.lineItems[0]!, key: 'L2' }),
      /DUPLICATE line: PO1 has lineNos 1,1/,
    ],
  ])('catches %s', (_what, base, duplicate, message) => {
    const run = base();
    duplicate(run.states[CONN]!);
    const v = judge(run);
    expect(v.violations.join('\n')).toMatch(message);
    expect(v.counts.duplicates).toBe(1);
  });

  it('counts a late duplicate its write undid or reported, and catches one it says it undid that is not cancelled', () => {
    // A late duplicate PO the create cancelled and names in duplicatesUndone.
    const undone = goodRun();
    const s = undone.states[CONN]!;
    s.purchaseOrders.push({ ...s.purchaseOrders[0]!, key: 'PO2', status: 'cancelled', title: header.title, lineItems: [] });
    (undone.logs[CONN] as RequestLogEntry[]).push(entry(8, 'PUT', MakiniPath.purchaseOrderStatus('PO2'), { status: 'cancelled' }));
    const o = undone.outcomes[0] as WriteOutcome[];
    o[0] = { ...o[0]!, result: { purchaseOrderKey: 'PO1', duplicatesUndone: ['PO2'] } };
    let v = judge(undone);
    expect(v.violations).toEqual([]);
    expect(v.lateDuplicates).toEqual({ undone: 1, left: 0 });
    // Said undone, yet still a draft: a duplicate.
    s.purchaseOrders[1]!.status = 'draft';
    v = judge(undone);
    expect(v.violations.join('\n')).toMatch(/DUPLICATE: PO2 is draft, yet the create says it undid it/);
    expect(v.counts.duplicates).toBe(1);

    // A late second material the materials write reported left (LateDuplicateLeft).
    const left = woRun();
    const wo = left.states[CONN]!.workOrders[0]!;
    wo.materials.push({ ...wo.materials[0]!, key: 'M2' });
    (left.outcomes[0] as WriteOutcome[])[1] = {
      status: 'failed',
      from: T0 + 4_000,
      to: T0 + 6_000,
      failure: { applicationFailure: true, type: 'LateDuplicateLeft', message: 'M2 NOT undone', nonRetryable: true, leftInSystem: ['M2'] },
    };
    v = judge(left);
    expect(v.violations).toEqual([]);
    expect(v.lateDuplicates).toEqual({ undone: 0, left: 1 });

    // A late second line the create reported left; the same line unreported is a duplicate.
    const line = goodRun();
    const po = line.states[CONN]!.purchaseOrders[0]!;
    po.lineItems.push({ ...po.lineItems[0]!, key: 'L2' });
    const c = line.outcomes[0] as WriteOutcome[];
    c[0] = {
      status: 'failed',
      from: T0,
      to: T0 + 10_000,
      failure: { applicationFailure: true, type: 'LateDuplicateLeft', message: 'L2 NOT undone', nonRetryable: true, leftInSystem: ['L2'] },
    };
    v = judge(line);
    expect(v.violations).toEqual([]);
    expect(v.lateDuplicates).toEqual({ undone: 0, left: 1 });
    c[0].failure!.leftInSystem = [];
    expect(judge(line).violations.join('\n')).toMatch(/DUPLICATE line: PO1 has lineNos 1,1/);
  });

  it('passes a run where every write happened exactly once', () => {
    const v = judge(goodRun());
    expect(v.violations).toEqual([]);
    expect(Object.values(v.counts)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(v.recordsChecked).toBe(2);
    expect(v.failedProvenNotApplied).toBe(1);
    expect(v.byType.adjustInventory).toMatchObject({ planned: 3, completed: 2, refused: 1 });
  });

  it('catches a duplicate purchase order', () => {
    const run = goodRun();
    const s = run.states[CONN]!;
    s.purchaseOrders.push({ ...s.purchaseOrders[0]!, key: 'PO2' });
    const v = judge(run);
    expect(v.violations.join('\n')).toMatch(/DUPLICATE: 2 purchase orders/);
    expect(v.counts.duplicates).toBe(1);
  });

  it('catches a completed create that left nothing (lost)', () => {
    const run = goodRun();
    run.states[CONN]!.purchaseOrders.length = 0;
    const v = judge(run);
    expect(v.violations.join('\n')).toMatch(/LOST/);
    expect(v.counts.lost).toBe(1);
  });

  it('catches an update that did not hold its value', () => {
    const run = goodRun();
    run.states[CONN]!.purchaseOrders[0]!.title = 'chaos c0';
    expect(judge(run).violations.join('\n')).toMatch(/title "chaos c0"/);
  });

  it('catches an adjustment applied twice', () => {
    const run = goodRun();
    // +3 landed twice: the second write added it on top of the first.
    (run.logs[CONN] as RequestLogEntry[]).splice(3, 1, entry(3, 'PUT', MakiniPath.inventory('inv-c1'), { quantity: 16 }));
    run.states[CONN]!.inventories[0]!.quantity = 21;
    const v = judge(run);
    expect(v.violations.join('\n')).toMatch(/applied quantity 16/);
    expect(v.violations.join('\n')).toMatch(/holds 21/);
    expect(v.counts.adjustmentsNotExactlyOnce).toBe(2);
  });

  it('catches a failed adjustment that was applied, and reports one whose failure admits it', () => {
    const run = goodRun();
    // The refused adjustment wrote nonetheless: a refusal must write nothing.
    (run.logs[CONN] as RequestLogEntry[]).push(entry(15, 'PUT', MakiniPath.inventory('inv-c1'), { quantity: 13 - 1_000_000 }));
    const refusedRun = judge(run);
    expect(refusedRun.violations.join('\n')).toMatch(/refused by its profile, yet 1 write request/);
    expect(refusedRun.violations.join('\n')).toMatch(/WriteRestrictionViolated \(nothing written\), yet 1 write/);
    expect(refusedRun.counts.writtenByARefusal).toBe(2);

    // A budget spent on faults may have landed: reported, and the chain replays it.
    const other = goodRun();
    const o = other.outcomes[1] as WriteOutcome[];
    o[2] = {
      status: 'failed',
      from: T0 + 30_000,
      to: T0 + 40_000,
      failure: { ...refused(), type: 'RetryBudgetExhausted', message: 'gave up' },
    };
    const v = judge(other);
    expect(v.violations).toEqual([]);
    expect(v.failedButApplied).toHaveLength(1);
  });

  it("takes a failed line-by-line create's status from what applied: a compensated create must have been cancelled", () => {
    /** The create on a line-by-line system: header and line 1 landed, line 2 failed for good, then the undo ran. */
    const lineByLine = (failureType: string, cancel: 'applied' | 'lost-answer' | 'none') => {
      const run = goodRun();
      const line2 = { ...line, lineNo: 2, name: 'part 2' };
      run.chains = [
        {
          ...poChain,
          writes: [write('create', 'createPurchaseOrder', { kind: 'po-create', lines: [line, line2], header, forbidden: false })],
        },
      ];
      run.outcomes = [
        [
          {
            status: 'failed',
            from: T0,
            to: T0 + 10_000,
            failure: { applicationFailure: true, type: failureType, message: 'line 2 failed for good', nonRetryable: true },
          },
        ],
      ];
      const po = run.states[CONN]!.purchaseOrders[0]!;
      Object.assign(po, { title: header.title, status: cancel === 'none' ? 'draft' : 'cancelled' });
      seq = 0; // a log that starts at 1 is complete
      run.logs = {
        [CONN]: [
          entry(1, 'POST', MakiniPath.purchaseOrders(), { ...header, code: 'k-create' }),
          entry(2, 'POST', MakiniPath.purchaseOrderLineItemsOf('PO1'), line),
          ...(cancel === 'none'
            ? []
            : [
                entry(
                  3,
                  'PUT',
                  MakiniPath.purchaseOrderStatus('PO1'),
                  { status: 'cancelled' },
                  true,
                  cancel === 'lost-answer' ? 'chaos:commit-then-drop' : undefined,
                ),
              ]),
        ],
      };
      return run;
    };
    expect(judge(lineByLine('WriteCompensated', 'applied')).violations).toEqual([]);
    // The undo failed and the header is still a draft with its one line: honest, and judged exactly.
    expect(judge(lineByLine('WriteCompensationFailed', 'none')).violations).toEqual([]);
    // The undo "failed" because its answer was lost, yet the cancel landed: the status comes from the log.
    expect(judge(lineByLine('WriteCompensationFailed', 'lost-answer')).violations).toEqual([]);
    // Reported compensated while the draft header stayed: what the full cluster run once found.
    expect(judge(lineByLine('WriteCompensated', 'none')).violations.join('\n')).toMatch(
      /PO1 is draft: the create reported WriteCompensated, but no cancel of it was applied/,
    );
  });

  it('catches a write that landed after its write had finished', () => {
    const run = goodRun();
    (run.logs[CONN] as RequestLogEntry[]).push(entry(25, 'PUT', MakiniPath.purchaseOrder('PO1'), { title: 'late' }));
    const v = judge(run);
    expect(v.violations.join('\n')).toMatch(/outside the time of every write/);
    expect(v.counts.landedLate).toBe(1);

    // An update's PUT in the time of the create: nothing the create sends.
    const early = goodRun();
    (early.logs[CONN] as RequestLogEntry[]).push(entry(5, 'PUT', MakiniPath.purchaseOrder('PO1'), { title: 'updated c0' }));
    expect(judge(early).violations.join('\n')).toMatch(/it sends no such request/);
  });

  it('catches a write nobody planned, and an untyped failure', () => {
    const run = goodRun();
    (run.logs[CONN] as RequestLogEntry[]).push(entry(5, 'PUT', MakiniPath.inventory('inv-1'), { quantity: 1 }));
    (run.outcomes[1] as WriteOutcome[])[1] = {
      status: 'failed',
      from: T0 + 10_000,
      to: T0 + 20_000,
      failure: { applicationFailure: false, type: 'TimeoutFailure', message: 'timed out', nonRetryable: false },
    };
    const v = judge(run).violations.join('\n');
    expect(v).toMatch(/belongs to no planned write/);
    expect(v).toMatch(/without a typed, non-retryable failure/);
  });

  describe('through the passthrough', () => {
    const SYSTEM: Record<PassthroughDialectName, string> = {
      'netsuite-rest': 'netsuite',
      'sap-odata': 'sap',
      'dynamics-batch': 'dynamics',
    };
    const line2 = { ...line, lineNo: 2, materialKey: 'mat-2', name: 'part 2', quantity: 2, price: 2 };
    const bare = { vendorKey: header.vendorKey, siteKey: header.siteKey, currencyKey: header.currencyKey };
    const ref = 'k-create';

    /**
     * A PO create (then a unified update) on a connection of `dialect`: the native create's answer
     * was lost after it committed (sent twice; a deduplicating dialect applies the second as a
     * no-op), the lookups around it are native reads. `refusedLine`: line 2 is one the system refuses.
     */
    function passthroughRun(dialect: PassthroughDialectName, opts: { refusedLine?: boolean } = {}): JudgeInput {
      seq = 0;
      const conn = `chaos-${dialect}`;
      const lines = [line, opts.refusedLine ? { ...line2, materialKey: 'mat-unknown' } : line2];
      const chain: Chain = {
        id: 'c0',
        kind: 'purchase-order',
        connectionId: conn,
        system: SYSTEM[dialect],
        writes: [
          write(
            'create',
            'createPurchaseOrder',
            {
              kind: 'po-create',
              lines,
              header: bare,
              forbidden: false,
              passthrough: dialect,
              ...(opts.refusedLine ? { refusedLine: 2 } : {}),
            },
            opts.refusedLine ? { expect: 'refused' } : {},
          ),
          ...(opts.refusedLine
            ? []
            : [write('update', 'updatePurchaseOrder', { kind: 'po-update', title: 'updated c0' }, { requires: 0 })]),
        ],
      };
      const d = dialectNamed(dialect);
      const create = d.createPurchaseOrder({ reference: ref, header: bare, lines });
      const lookup = d.lookupByReference(ref);
      const po = {
        key: 'PO1',
        code: ref,
        status: 'draft',
        createdAt: at(1),
        updatedAt: at(12),
        ...bare,
        title: 'updated c0',
        lineItems: lines.map((l, i) => ({ key: `L${i + 1}`, purchaseOrderKey: 'PO1', createdAt: at(1), updatedAt: at(1), ...l })),
      };
      const log = [
        ...(d.prepareCreate ? [entry(0.5, 'POST', MakiniPath.passthrough(), d.prepareCreate(), false)] : []),
        entry(1, 'POST', MakiniPath.passthrough(), create, !opts.refusedLine, opts.refusedLine ? undefined : 'chaos:commit-then-drop'),
        entry(6, 'POST', MakiniPath.passthrough(), lookup, false),
        ...(opts.refusedLine ? [] : [entry(12, 'PUT', MakiniPath.purchaseOrder('PO1'), { title: 'updated c0' })]),
      ];
      const outcomes: WriteOutcome[][] = [
        opts.refusedLine
          ? [
              {
                status: 'failed',
                from: T0,
                to: T0 + 10_000,
                failure: { applicationFailure: true, type: 'MakiniRequestRejected', message: 'line 2: no such item', nonRetryable: true },
              },
            ]
          : [
              { status: 'completed', from: T0, to: T0 + 10_000, result: { purchaseOrderKey: 'PO1' } },
              { status: 'completed', from: T0 + 11_000, to: T0 + 13_000, result: { alreadyApplied: false } },
            ],
      ];
      const state = { purchaseOrders: opts.refusedLine ? [] : [po], workOrders: [], inventories: [] } as unknown as SandboxState;
      return { chains: [chain], outcomes, states: { [conn]: state }, logs: { [conn]: log } };
    }
    const DIALECTS = ['netsuite-rest', 'sap-odata', 'dynamics-batch'] as const;
    const stateOf = (run: JudgeInput) => Object.values(run.states)[0]!;
    const logOf = (run: JudgeInput) => Object.values(run.logs)[0] as RequestLogEntry[];

    it.each(DIALECTS)('ties a %s create to its write by the native reference, and its native reads to none', (dialect) => {
      const v = judge(passthroughRun(dialect));
      expect(v.violations).toEqual([]);
      expect(Object.values(v.counts).every((n) => n === 0)).toBe(true);
      // The native create and the unified update; not the lookup (nor SAP's CSRF fetch), which are reads.
      expect(v.writeRequestsAttributed).toBe(2);
      expect(v.recordsChecked).toBe(1);
    });

    it.each(DIALECTS)('counts a %s duplicate: a second record with the same reference', (dialect) => {
      const run = passthroughRun(dialect);
      // The resend created a second purchase order (what SAP's create does when it is not swept).
      logOf(run).splice(2, 0, { ...logOf(run).find((e) => e.fault)!, seq: 99, time: at(4), fault: undefined });
      stateOf(run).purchaseOrders.push({ ...stateOf(run).purchaseOrders[0]!, key: 'PO2', title: undefined });
      const v = judge(run);
      // The duplicate only: both native creates are tied to the write that sent them.
      expect(v.violations).toEqual([expect.stringMatching(/DUPLICATE: 2 purchase orders with code k-create: PO1, PO2/)]);
      expect(v.counts.duplicates).toBe(1);
      expect(v.writeRequestsAttributed).toBe(3);
    });

    it.each(DIALECTS)('counts a %s header without its lines (a native create is all or nothing)', (dialect) => {
      const run = passthroughRun(dialect);
      stateOf(run).purchaseOrders[0]!.lineItems.length = 0;
      const v = judge(run);
      expect(v.violations.join('\n')).toMatch(
        new RegExp(`PARTIAL: PO1 has 0 lines \\(\\), the create completed with 2 in one ${dialect} request`),
      );
      expect(v.counts.partialRecords).toBe(1);
    });

    it.each(DIALECTS)('passes a %s create refused for one line that left nothing, and counts one that left its header', (dialect) => {
      expect(judge(passthroughRun(dialect, { refusedLine: true })).violations).toEqual([]);
      const run = passthroughRun(dialect, { refusedLine: true });
      // The system kept the header and the line it accepted: applied, though the create was refused.
      logOf(run).find((e) => e.path === MakiniPath.passthrough() && isWriteRequest(e))!.writeApplied = true;
      stateOf(run).purchaseOrders.push({
        key: 'PO1',
        code: ref,
        status: 'draft',
        ...bare,
        lineItems: [{ key: 'L1', purchaseOrderKey: 'PO1', ...line }],
      } as unknown as SandboxState['purchaseOrders'][number]);
      const v = judge(run);
      expect(v.counts.writtenByARefusal).toBe(2); // the write applied something, and its key is in the system
      expect(v.counts.partialRecords).toBe(1);
    });

    it.each(DIALECTS)('the fault every %s connection meets aims at its create, never at a lookup or a token fetch', (dialect) => {
      // The sandbox names a passthrough call for fault scripts by its inner request (sandbox/server.ts).
      const faultPath = (req: unknown) => passthroughFaultPath(nativeRequestOf(req).req!);
      const d = dialectNamed(dialect);
      const { pathPrefix, method } = firstNativeWriteFault(dialect);
      expect(method).toBe('POST'); // Makini's own method of every passthrough call
      expect(faultPath(d.createPurchaseOrder({ reference: ref, header: bare, lines: [line] })).startsWith(pathPrefix!)).toBe(true);
      const reads = [d.lookupByReference(ref), ...(d.prepareCreate ? [d.prepareCreate()] : [])];
      expect(reads.filter((r) => faultPath(r).startsWith(pathPrefix!))).toEqual([]);
    });

    it('counts a native write of no planned write (an unknown reference in the changeset)', () => {
      const run = passthroughRun('dynamics-batch');
      const other = dialectNamed('dynamics-batch').createPurchaseOrder({ reference: 'k-other', header: bare, lines: [line] });
      logOf(run).push(entry(5, 'POST', MakiniPath.passthrough(), other));
      expect(judge(run).violations.join('\n')).toMatch(
        /POST \/api\/passthrough → POST data\/\$batch .*applied, but belongs to no planned write/,
      );
    });
  });
});
