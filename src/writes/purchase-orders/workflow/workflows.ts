// Purchase orders as durable writes: create (one transaction, exactly once), update, cancel.
// Workflow type names are the public API: createPurchaseOrder, updatePurchaseOrder, cancelPurchaseOrder.
import { ApplicationFailure, patched, setHandler } from '@temporalio/workflow';
import type { PoSnapshot } from '../activity-contract.js';
import { WriteFailureType, type Violation } from '../../../failures/workflow/failure-types.js';
import { checkWrite } from '../../../profiles/workflow/check-write.js';
import { mapCustomFields } from '../../../profiles/workflow/custom-fields.js';
import type { PassthroughDialectName } from '../../../makini/workflow/passthrough-dialects.js';
import { PASSTHROUGH_DIALECT_TRAITS, transportLabel, UNIFIED, type WriteProfile } from '../../../profiles/workflow/schema.js';
import {
  findStatus,
  poStatusBodyValue,
  recordHasStatus,
  STATUS_COMPARISON_PATCH,
  statusLabel,
  statusOfRecord,
  type StatusEntry,
  type StatusRef,
} from '../../../profiles/workflow/status-names.js';
import {
  cancelPurchaseOrderInputSchema,
  createPurchaseOrderInputSchema,
  updatePurchaseOrderInputSchema,
  type CancelPurchaseOrderInput,
  type CreatePurchaseOrderInput,
  type CreatePurchaseOrderResult,
  type PurchaseOrderChangeResult,
  type UpdatePurchaseOrderInput,
} from './contract.js';
import { Compensations } from '../../workflow/engine/compensation.js';
import { differingFields, pendingChanges } from '../../workflow/engine/field-values.js';
import { beginWrite, budgetOf, looseValues, parseInput, recordingOutcome, refuse } from '../../workflow/engine/write-context.js';
import { LOOK_BEFORE_REPEATING_PUT_PATCH, StepRunner } from '../../workflow/engine/step-runner.js';
import { VerdictGate } from '../../workflow/engine/verdict-gate.js';
import { sweepLateChildDuplicates, sweepLateDuplicates, type AddedChild } from '../../workflow/engine/late-duplicates.js';
import { stepsQuery } from '../../workflow/messages.js';

type Line = Record<string, unknown> & { lineNo: number };

/**
 * Why a late second line cannot be undone: Makini publishes no DELETE for any entity, and a PO
 * line has no status of its own to cancel it by (/work/shared/makini-api.md, "Writes").
 */
const NO_LINE_UNDO = 'Makini publishes no DELETE, and a purchase-order line has no status to cancel it by';

/** Patch id of the check that the system kept the reference value (the idempotency key) of a created PO. */
export const REFERENCE_KEPT_PATCH = 'po-reference-kept';

function listPoStatuses(runner: StepRunner, connectionId: string) {
  return runner.run(
    'list purchase-order statuses',
    'listPurchaseOrderStatuses',
    { connectionId },
    {
      summary: 'GET purchase-order statuses',
    },
  );
}

/**
 * The purchase-order status a profile names (`cancelled`), as the connection's status list has it
 * (key, code, name); a status the list does not name is compared by its text alone.
 */
async function poStatusNamed(
  runner: StepRunner,
  connectionId: string,
  named: string,
): Promise<{ target: StatusRef; statuses: StatusEntry[] }> {
  const statuses = await listPoStatuses(runner, connectionId);
  return { target: findStatus(statuses, named) ?? { name: named }, statuses };
}

/** Whether a PO is in the status a profile names: the one comparison, or (runs recorded before it) the text. */
async function poHasStatus(runner: StepRunner, connectionId: string, po: PoSnapshot, named: string): Promise<boolean> {
  if (!patched(STATUS_COMPARISON_PATCH)) return po.status === named;
  return recordHasStatus(po, (await poStatusNamed(runner, connectionId, named)).target);
}

/**
 * The status a PO is in, for the profile's state rules: resolved through the status list by its
 * statusKey (one comparison); its text where the profile has no state rule, and in runs recorded
 * before the comparison.
 */
async function poStateOf(runner: StepRunner, connectionId: string, profile: WriteProfile, po: PoSnapshot): Promise<string | StatusRef> {
  if (!patched(STATUS_COMPARISON_PATCH) || profile.purchaseOrder.stateRules.length === 0) return po.status;
  const statuses = await listPoStatuses(runner, connectionId);
  return statusOfRecord(po, statuses) ?? po.status;
}

/** Looks for vendors and other references the profile says must exist. */
async function checkReferences(runner: StepRunner, connectionId: string, profile: WriteProfile, fields: Record<string, unknown>) {
  const references: Record<string, boolean> = {};
  for (const m of profile.purchaseOrder.operations.create?.mustExist ?? []) {
    const value = fields[m.field];
    if (typeof value !== 'string' || !value) continue;
    // A key is Makini's opaque id (never a code): looked up by the record's own endpoint.
    const by = m.field.endsWith('Key') ? 'key' : 'code';
    references[m.field] = await runner.run(
      `check ${m.field} exists`,
      'vendorExists',
      { connectionId, value, by },
      {
        summary: `look up ${m.lookup} ${by} ${value}`,
      },
    );
  }
  return references;
}

/**
 * Creates a purchase order with all its lines exactly once.
 * Lines go in the header request where the system takes them; otherwise one by one, cancelling
 * the header if a line fails for good.
 */
export async function createPurchaseOrder(rawInput: CreatePurchaseOrderInput): Promise<CreatePurchaseOrderResult> {
  const runner = new StepRunner(budgetOf(rawInput?.retryBudget), 'create purchase order');
  setHandler(stepsQuery, () => runner.steps);
  const verdict = new VerdictGate(); // answers update-with-start callers once the rules are checked
  return recordingOutcome(() =>
    verdict.around(async () => {
      const input = parseInput(createPurchaseOrderInputSchema, rawInput, 'createPurchaseOrder');
      const { connectionId, idempotencyKey } = input;
      const { lineItems, ...header } = input.purchaseOrder;
      const { system, profile } = await beginWrite(runner, 'createPurchaseOrder', input);
      const poProfile = profile.purchaseOrder;
      const ref = poProfile.referenceField;
      // Lines get explicit numbers so that a line whose answer was lost can be recognised.
      const lines: Line[] = lineItems.map((l, i) => ({ ...l, lineNo: l.lineNo ?? i + 1 }));

      const references = await checkReferences(runner, connectionId, profile, header);
      const violations: Violation[] = checkWrite(profile, {
        entity: 'purchaseOrder',
        operation: 'create',
        fields: header,
        lines,
        references,
      });
      if (Object.prototype.hasOwnProperty.call(header, ref)) {
        violations.push({
          field: ref,
          rule: 'reserved-reference-field',
          system,
          message: `${ref} carries the idempotency key on ${system}; it cannot be set by the caller`,
          hint: `remove ${ref}`,
        });
      }
      // The transport is profile data (a recorded profile without one is unified): the same rules,
      // steps and outcome model either way; a passthrough dialect adds its native rules here.
      const transport = poProfile.transport?.create ?? UNIFIED;
      const dialect = transport.via === 'passthrough' ? transport.dialect : undefined;
      if (dialect) violations.push(...nativeViolations(system, dialect, idempotencyKey));
      if (violations.length) refuse(runner, system, `this purchase order`, violations);
      runner.note(
        'check write restrictions',
        'succeeded',
        dialect ? `${system}: every rule passed; transport ${transportLabel(transport)}` : `${system}: every rule passed`,
      );
      verdict.accept(system);

      const find = async (): Promise<PoSnapshot | undefined> =>
        (dialect
          ? await runner.run(
              'look up by idempotency key',
              'findPurchaseOrderPassthrough',
              { connectionId, dialect, reference: idempotencyKey },
              { summary: `find purchase order ${idempotencyKey} (${transportLabel(transport)})` },
            )
          : await runner.run(
              'look up by idempotency key',
              'findPurchaseOrderByReference',
              { connectionId, referenceField: ref, reference: idempotencyKey },
              { summary: `find purchase order ${ref}=${idempotencyKey}` },
            )) ?? undefined;

      // An earlier run (failed or reset) may have created it already.
      const earlier = await find();
      const del = poProfile.delete;
      if (earlier && del.by === 'status' && (await poHasStatus(runner, connectionId, earlier, del.status))) {
        throw ApplicationFailure.create({
          type: WriteFailureType.idempotencyKeyUsed,
          nonRetryable: true,
          message:
            `purchase order ${earlier.key} with ${ref}=${idempotencyKey} exists and is ${earlier.status} ` +
            '(compensated by an earlier run, or cancelled by hand); start the write again with a new idempotency key',
        });
      }
      // Custom fields under the target system's names (connection overrides), after the check passed.
      const body = { ...mapCustomFields(profile, 'purchaseOrder', header), [ref]: idempotencyKey };
      let po: PoSnapshot;
      if (dialect) {
        // One native request with every line: the system's own transaction. A system that
        // deduplicates by the reference (NetSuite's external id) makes a resend a no-op, so a lost
        // answer is looked up once and sent again without waiting for the commit horizon.
        const native = { reference: idempotencyKey, header: mapCustomFields(profile, 'purchaseOrder', header), lines };
        po =
          earlier ??
          (await runner.run(
            CREATE_NATIVE_STEP(lines.length, transportLabel(transport)),
            'createPurchaseOrderPassthrough',
            { connectionId, dialect, purchaseOrder: native },
            {
              summary: `POST /api/passthrough (${dialect}): purchase order with ${lines.length} lines in one native request`,
              checkLanded: find,
              createsRecord: !PASSTHROUGH_DIALECT_TRAITS[dialect].dedupesCreate,
            },
          ));
      } else if (poProfile.lines !== 'separately') {
        po =
          earlier ??
          (await runner.run(
            CREATE_WITH_LINES_STEP(lines.length),
            'createPurchaseOrder',
            { connectionId, body: { ...body, lineItems: lines }, referenceField: ref },
            { summary: `POST purchase order with ${lines.length} lines in one request`, checkLanded: find, createsRecord: true },
          ));
      } else {
        const added: AddedChild[] = [];
        const created = await createLineByLine(runner, {
          connectionId,
          system,
          profile,
          ref,
          idempotencyKey,
          body,
          lines,
          earlier,
          find,
          added,
        });
        po = created;
        // Before the read back: a late second line would fail its line count instead of being named.
        await sweepLateChildDuplicates(runner, {
          system,
          what: 'line',
          idName: 'lineNo',
          parent: `purchase order ${created.key}`,
          parentKey: created.key,
          added,
          list: async () =>
            (
              await runner.run(
                'look for late duplicate lines',
                'listPurchaseOrderLines',
                { connectionId, purchaseOrderKey: created.key },
                {
                  summary: `GET lines of ${created.key}`,
                },
              )
            ).map((l) => ({ key: l.key, id: String(l.lineNo) })),
          cannotUndo: NO_LINE_UNDO,
        });
      }

      const final = dialect
        ? await readBackNative(runner, connectionId, dialect, idempotencyKey, po.key)
        : await runner.run(
            'read back',
            'getPurchaseOrder',
            { connectionId, key: po.key, referenceField: ref },
            {
              summary: `GET purchase order ${po.key}`,
            },
          );
      // The system dropped or rewrote the reference: no later run could find this PO, so stop here
      // instead of leaving the next retry blind. (Histories from before this check replay without it.)
      if (final.reference !== idempotencyKey && patched(REFERENCE_KEPT_PATCH)) {
        throw ApplicationFailure.create({
          type: WriteFailureType.outcomeUnknown,
          nonRetryable: true,
          message:
            `purchase order ${final.key} was written, but ${system} keeps ${ref}=${JSON.stringify(final.reference ?? null)} ` +
            `instead of the idempotency key ${idempotencyKey}: a later run could not find it, so it must not be started again with this key; ` +
            'check the purchase order, then use a new key',
        });
      }
      const missing = lines.filter((l) => !final.lines.some((x) => x.lineNo === l.lineNo));
      if (final.lines.length !== lines.length || missing.length) {
        throw ApplicationFailure.create({
          type: WriteFailureType.verificationFailed,
          nonRetryable: true,
          message:
            `purchase order ${po.key} has ${final.lines.length} lines, expected ${lines.length}` +
            (missing.length ? `; missing lineNo ${missing.map((l) => l.lineNo).join(', ')}` : ''),
        });
      }
      const cancelStatus = poProfile.delete.by === 'status' ? poProfile.delete.status : '';
      // A deduplicating native create is never sent as a second record: nothing to sweep. Otherwise
      // the sweep lists the way the create was sent (Makini's list, or the dialect's lookup).
      const duplicatesUndone =
        dialect && PASSTHROUGH_DIALECT_TRAITS[dialect].dedupesCreate
          ? []
          : await sweepLateDuplicates(runner, {
              system,
              what: 'purchase order',
              steps: [
                CREATE_WITH_LINES_STEP(lines.length),
                CREATE_HEADER_STEP,
                ...(dialect ? [CREATE_NATIVE_STEP(lines.length, transportLabel(transport))] : []),
              ],
              kept: final.key,
              reference: `${ref}=${idempotencyKey}`,
              list: () =>
                dialect
                  ? runner.run(
                      'look for late duplicates',
                      'listPurchaseOrdersPassthrough',
                      { connectionId, dialect, reference: idempotencyKey },
                      { summary: `list purchase orders ${idempotencyKey} (${transportLabel(transport)})` },
                    )
                  : runner.run(
                      'look for late duplicates',
                      'listPurchaseOrdersByReference',
                      { connectionId, referenceField: ref, reference: idempotencyKey },
                      { summary: `list purchase orders ${ref}=${idempotencyKey}` },
                    ),
              undo:
                poProfile.delete.by === 'status'
                  ? {
                      by: 'status',
                      status: poProfile.delete.status,
                      run: (key) => cancelDuplicate(runner, connectionId, ref, key, cancelStatus),
                    }
                  : poProfile.delete,
            });
      return {
        purchaseOrderKey: final.key,
        lineItemKeys: [...final.lines].sort((a, b) => (a.lineNo ?? 0) - (b.lineNo ?? 0)).map((l) => l.key),
        status: final.status,
        foundExisting: earlier !== undefined,
        ...(duplicatesUndone.length ? { duplicatesUndone } : {}),
        ...(dialect ? { transport: transportLabel(transport) } : {}),
        steps: runner.steps,
      };
    }),
  );
}

/** Step name of a PO create in one native request (`... (passthrough:netsuite-rest)`). */
const CREATE_NATIVE_STEP = (lines: number, transport: string) => `create purchase order with ${lines} lines (${transport})`;

/** The rules a dialect adds to the profile's: it speaks to one system, and its reference takes some characters only. */
function nativeViolations(system: string, dialect: PassthroughDialectName, key: string): Violation[] {
  const traits = PASSTHROUGH_DIALECT_TRAITS[dialect];
  const out: Violation[] = [];
  if (traits.system !== system) {
    out.push({
      field: 'transport',
      rule: 'dialect-of-another-system',
      system,
      message: `the passthrough dialect ${dialect} speaks to ${traits.system}, not to ${system}`,
      hint: `set the connection's purchaseOrder.transport.create to a ${system} dialect, or to { via: unified }`,
    });
  }
  const tooLong = traits.referenceMaxLength !== undefined && key.length > traits.referenceMaxLength;
  if (tooLong || !new RegExp(`^[${traits.referenceChars}]+$`).test(key)) {
    out.push({
      field: 'idempotencyKey',
      rule: 'native-reference',
      system,
      message: `${traits.referenceRule}: the idempotency key ${JSON.stringify(key)} cannot be the record's reference`,
      hint: `use a key of ${traits.referenceChars} only${traits.referenceMaxLength ? `, at most ${traits.referenceMaxLength} long` : ''}, or the unified transport`,
    });
  }
  return out;
}

/** The created PO read back through the same native lookup (it must exist now). */
async function readBackNative(
  runner: StepRunner,
  connectionId: string,
  dialect: PassthroughDialectName,
  key: string,
  expected: string,
): Promise<PoSnapshot> {
  const now = await runner.run(
    'read back',
    'findPurchaseOrderPassthrough',
    { connectionId, dialect, reference: key },
    {
      summary: `read purchase order ${expected} back (${dialect})`,
    },
  );
  if (!now) {
    throw ApplicationFailure.create({
      type: WriteFailureType.verificationFailed,
      nonRetryable: true,
      message: `purchase order ${expected} was created through ${dialect} but no purchase order carries ${key} on reading it back`,
    });
  }
  return now;
}

/** Step names of the PO creates (the sweep for late duplicates follows their resends). */
const CREATE_WITH_LINES_STEP = (lines: number) => `create purchase order with ${lines} lines`;
const CREATE_HEADER_STEP = 'create purchase order header';

/** Cancels a late duplicate by its status (looking first whether an earlier attempt already did). */
async function cancelDuplicate(runner: StepRunner, connectionId: string, ref: string, key: string, status: string): Promise<void> {
  const read = () =>
    runner.run(
      'read late duplicate',
      'getPurchaseOrder',
      { connectionId, key, referenceField: ref },
      {
        summary: `GET purchase order ${key}`,
      },
    );
  await runner.run(
    'undo late duplicate',
    'setPurchaseOrderStatus',
    { connectionId, key, status, referenceField: ref },
    {
      summary: `PUT status ${status} on ${key} (a late duplicate)`,
      checkLanded: async () => {
        const now = await read();
        return now.status === status ? now : undefined;
      },
      checkLandedSince: LOOK_BEFORE_REPEATING_PUT_PATCH,
    },
  );
}

interface LineByLine {
  connectionId: string;
  system: string;
  profile: WriteProfile;
  ref: string;
  idempotencyKey: string;
  body: Record<string, unknown>;
  lines: Line[];
  earlier: PoSnapshot | undefined;
  find: () => Promise<PoSnapshot | undefined>;
  /** Filled with each line this run added (or found after an unknown outcome), for the late-duplicate sweep. */
  added: AddedChild[];
}

/** Header first, then each missing line; a line refused for good cancels the header. */
async function createLineByLine(runner: StepRunner, c: LineByLine): Promise<PoSnapshot> {
  const saga = new Compensations();
  const cancelStatus = c.profile.purchaseOrder.delete.by === 'status' ? c.profile.purchaseOrder.delete.status : undefined;
  // The header's key once any step has seen it: a failed undo names the record left behind.
  let headerKey = c.earlier?.key;
  // Registered before the header call: a header whose answer is lost must be undone too.
  saga.register({
    description: `cancel purchase order ${c.ref}=${c.idempotencyKey}`,
    run: async () => {
      const found = await c.find();
      if (!found) return `nothing to undo: no purchase order with ${c.ref}=${c.idempotencyKey} exists`;
      headerKey = found.key;
      if (!cancelStatus) throw new Error(`cannot undo purchase order ${found.key}: ${c.system} has no way to cancel it`);
      // One status comparison (status-names.ts); histories from before it replay with the text comparison.
      const target = patched(STATUS_COMPARISON_PATCH) ? (await poStatusNamed(runner, c.connectionId, cancelStatus)).target : undefined;
      const cancelled = (po: PoSnapshot) => (target ? recordHasStatus(po, target) : po.status === cancelStatus);
      if (cancelled(found)) return `purchase order ${found.key} was already ${cancelStatus}`;
      const undone = async () => {
        const now = await c.find();
        return now && cancelled(now) ? now : undefined;
      };
      const value = target ? poStatusBodyValue(target, cancelStatus) : cancelStatus;
      await runner.run(
        'compensate: cancel header',
        'setPurchaseOrderStatus',
        { connectionId: c.connectionId, key: found.key, status: value, referenceField: c.ref },
        {
          summary: `PUT status ${cancelStatus} on ${found.key} (undo)`,
          checkLanded: undone,
          checkLandedSince: LOOK_BEFORE_REPEATING_PUT_PATCH,
        },
      );
      return `cancelled purchase order ${found.key} (status ${cancelStatus})`;
    },
  });
  try {
    const po =
      c.earlier ??
      (await runner.run(
        CREATE_HEADER_STEP,
        'createPurchaseOrder',
        { connectionId: c.connectionId, body: c.body, referenceField: c.ref },
        {
          summary: 'POST purchase order header',
          checkLanded: c.find,
          createsRecord: true,
        },
      ));
    headerKey = po.key;
    const present = new Set(po.lines.map((l) => l.lineNo));
    for (const line of c.lines) {
      if (present.has(line.lineNo)) continue;
      const landed = async () => {
        const now = await runner.run(
          `look up line ${line.lineNo}`,
          'listPurchaseOrderLines',
          { connectionId: c.connectionId, purchaseOrderKey: po.key },
          { summary: `GET lines of ${po.key}` },
        );
        return now.find((l) => l.lineNo === line.lineNo);
      };
      const step = `add line ${line.lineNo}`;
      try {
        const added = await runner.run(
          step,
          'addPurchaseOrderLine',
          { connectionId: c.connectionId, purchaseOrderKey: po.key, line },
          {
            summary: `POST line ${line.lineNo} of ${c.lines.length}`,
            checkLanded: landed,
            createsRecord: true,
          },
        );
        c.added.push({ step, key: added.key, id: String(line.lineNo) });
      } catch (err) {
        throw Object.assign(err as Error, { failedLine: line.lineNo });
      }
    }
    return po;
  } catch (err) {
    if (!(err instanceof ApplicationFailure)) throw err;
    const { report, failed } = await saga.runAll();
    const line = (err as { failedLine?: number }).failedLine;
    const detail = (err.details?.[0] ?? {}) as { failure?: { code?: string; requestId?: string } };
    const what = `${line !== undefined ? `line ${line}` : 'header'} failed for good on ${c.system}: ${err.message}`;
    // An undo that failed leaves the header (and the lines that landed) in the system: reporting
    // that as compensated would tell the caller nothing is left to clean up.
    throw ApplicationFailure.create({
      type: failed.length ? WriteFailureType.compensationFailed : WriteFailureType.compensated,
      nonRetryable: true,
      message: failed.length
        ? `${what}; NOT undone: purchase order ${headerKey ?? `${c.ref}=${c.idempotencyKey}`} may still be in ${c.system}: ${report.join('; ')}`
        : `${what}; compensated: ${report.join('; ')}`,
      details: [
        {
          failedLine: line,
          cause: { type: err.type, message: err.message, code: detail.failure?.code, requestId: detail.failure?.requestId },
          compensated: report,
          ...(failed.length ? { undoFailed: failed, leftInSystem: { purchaseOrderKey: headerKey, [c.ref]: c.idempotencyKey } } : {}),
        },
      ],
      cause: err,
    });
  }
}

/** Changes PO header fields the system allows in the PO's current state; reads back to confirm. */
export async function updatePurchaseOrder(rawInput: UpdatePurchaseOrderInput): Promise<PurchaseOrderChangeResult> {
  const runner = new StepRunner(budgetOf(rawInput?.retryBudget), 'update purchase order');
  setHandler(stepsQuery, () => runner.steps);
  return recordingOutcome(async () => {
    const input = parseInput(updatePurchaseOrderInputSchema, rawInput, 'updatePurchaseOrder');
    const { connectionId, purchaseOrderKey: key, changes } = input;
    const { system, profile } = await beginWrite(runner, 'updatePurchaseOrder', input);
    const ref = profile.purchaseOrder.referenceField;
    const read = () =>
      runner.run(
        'read purchase order',
        'getPurchaseOrder',
        { connectionId, key, referenceField: ref },
        {
          summary: `GET purchase order ${key}`,
        },
      );
    const current = await read();
    const state = await poStateOf(runner, connectionId, profile, current);
    const violations = checkWrite(profile, {
      entity: 'purchaseOrder',
      operation: 'update',
      fields: changes,
      currentStatus: state,
    });
    if (Object.prototype.hasOwnProperty.call(changes, ref)) {
      violations.push({
        field: ref,
        rule: 'reserved-reference-field',
        system,
        message: `${ref} holds the idempotency key of this PO and cannot change`,
      });
    }
    if (violations.length) refuse(runner, system, `this update of purchase order ${key} (status ${statusLabel(state)})`, violations);
    runner.note('check write restrictions', 'succeeded', `${system}: every rule passed in status ${statusLabel(state)}`);
    const mapped = mapCustomFields(profile, 'purchaseOrder', changes);
    const pending = pendingChanges(current.fields, mapped, looseValues);
    const changedFields = Object.keys(pending);
    if (changedFields.length === 0) {
      return { purchaseOrderKey: key, status: current.status, changedFields: [], alreadyApplied: true, steps: runner.steps };
    }
    // An answer that may have landed is checked by reading the PO before the PUT is sent again.
    const updated = async () => {
      const now = await read();
      return differingFields(now.fields, pending, looseValues).length === 0 ? now : undefined;
    };
    await runner.run(
      'update purchase order',
      'updatePurchaseOrder',
      { connectionId, key, changes: pending, referenceField: ref },
      {
        summary: `PUT ${changedFields.join(', ')} on ${key}`,
        checkLanded: updated,
        checkLandedSince: LOOK_BEFORE_REPEATING_PUT_PATCH,
      },
    );
    const after = await read();
    const wrong = differingFields(after.fields, pending, looseValues);
    if (wrong.length) {
      throw ApplicationFailure.create({
        type: WriteFailureType.verificationFailed,
        nonRetryable: true,
        message: `purchase order ${key} reads back different values for ${wrong.join(', ')} after the update`,
      });
    }
    return { purchaseOrderKey: key, status: after.status, changedFields, alreadyApplied: false, steps: runner.steps };
  });
}

/** Cancels a PO by status change (nothing is ever deleted), as the system allows in its state. */
export async function cancelPurchaseOrder(rawInput: CancelPurchaseOrderInput): Promise<PurchaseOrderChangeResult> {
  const runner = new StepRunner(budgetOf(rawInput?.retryBudget), 'cancel purchase order');
  setHandler(stepsQuery, () => runner.steps);
  return recordingOutcome(async () => {
    const input = parseInput(cancelPurchaseOrderInputSchema, rawInput, 'cancelPurchaseOrder');
    const { connectionId, purchaseOrderKey: key } = input;
    const { system, profile } = await beginWrite(runner, 'cancelPurchaseOrder', input);
    const ref = profile.purchaseOrder.referenceField;
    const del = profile.purchaseOrder.delete;
    const read = () =>
      runner.run(
        'read purchase order',
        'getPurchaseOrder',
        { connectionId, key, referenceField: ref },
        {
          summary: `GET purchase order ${key}`,
        },
      );
    const current = await read();
    // One status comparison (status-names.ts); histories from before it replay with the text comparison.
    if (patched(STATUS_COMPARISON_PATCH)) {
      const { target, statuses } =
        del.by === 'status' ? await poStatusNamed(runner, connectionId, del.status) : { target: undefined, statuses: [] as StatusEntry[] };
      const currentStatus = statusOfRecord(current, statuses) ?? current.status;
      const from = statusLabel(currentStatus);
      if (target && recordHasStatus(current, target)) {
        return { purchaseOrderKey: key, status: statusLabel(target), changedFields: [], alreadyApplied: true, steps: runner.steps };
      }
      const violations = checkWrite(profile, { entity: 'purchaseOrder', operation: 'cancel', currentStatus, targetStatus: target });
      if (violations.length || !target) refuse(runner, system, `cancelling purchase order ${key} (status ${from})`, violations);
      runner.note('check write restrictions', 'succeeded', `${system}: cancel allowed in status ${from}`);
      const value = poStatusBodyValue(target, statusLabel(target));
      const cancelled = async () => {
        const now = await read();
        return recordHasStatus(now, target) ? now : undefined;
      };
      await runner.run(
        'cancel purchase order',
        'setPurchaseOrderStatus',
        { connectionId, key, status: value, referenceField: ref },
        {
          summary: `PUT status ${value} on ${key}`,
          checkLanded: cancelled,
          checkLandedSince: LOOK_BEFORE_REPEATING_PUT_PATCH,
        },
      );
      const after = await read();
      if (!recordHasStatus(after, target)) {
        throw ApplicationFailure.create({
          type: WriteFailureType.verificationFailed,
          nonRetryable: true,
          message:
            `purchase order ${key} reads back status ${after.status}${after.statusKey ? ` (key ${after.statusKey})` : ''}, ` +
            `expected ${statusLabel(target)}${target.key ? ` (key ${target.key})` : ''}`,
        });
      }
      return { purchaseOrderKey: key, status: statusLabel(target), changedFields: ['status'], alreadyApplied: false, steps: runner.steps };
    }
    const target = del.by === 'status' ? del.status : undefined;
    if (target && current.status === target) {
      return { purchaseOrderKey: key, status: current.status, changedFields: [], alreadyApplied: true, steps: runner.steps };
    }
    const violations = checkWrite(profile, {
      entity: 'purchaseOrder',
      operation: 'cancel',
      currentStatus: current.status,
      targetStatus: target,
    });
    if (violations.length || !target) refuse(runner, system, `cancelling purchase order ${key} (status ${current.status})`, violations);
    runner.note('check write restrictions', 'succeeded', `${system}: cancel allowed in status ${current.status}`);
    const cancelled = async () => {
      const now = await read();
      return now.status === target ? now : undefined;
    };
    await runner.run(
      'cancel purchase order',
      'setPurchaseOrderStatus',
      { connectionId, key, status: target, referenceField: ref },
      {
        summary: `PUT status ${target} on ${key}`,
        checkLanded: cancelled,
        checkLandedSince: LOOK_BEFORE_REPEATING_PUT_PATCH,
      },
    );
    const after = await read();
    if (after.status !== target) {
      throw ApplicationFailure.create({
        type: WriteFailureType.verificationFailed,
        nonRetryable: true,
        message: `purchase order ${key} reads back status ${after.status}, expected ${target}`,
      });
    }
    return { purchaseOrderKey: key, status: after.status, changedFields: ['status'], alreadyApplied: false, steps: runner.steps };
  });
}
