// Work orders as durable writes: create (exactly once), update, status change, materials.
// Workflow type names are the public API: createWorkOrder, updateWorkOrder, changeWorkOrderStatus,
// addWorkOrderMaterials. Every write is checked against the connection's profile first, with
// every violation named at once and nothing written.
import { ApplicationFailure, patched, setHandler } from '@temporalio/workflow';
import type { WoMaterialSnapshot, WoSnapshot, WoStatusOption } from '../activity-contract.js';
import { WriteFailureType, type Violation } from '../../../failures/workflow/failure-types.js';
import { checkWrite } from '../../../profiles/workflow/check-write.js';
import { mapCustomFields } from '../../../profiles/workflow/custom-fields.js';
import type { WriteProfile } from '../../../profiles/workflow/schema.js';
import {
  findStatus,
  normaliseStatus,
  recordHasStatus,
  STATUS_COMPARISON_PATCH,
  statusIs,
  statusLabel,
  statusOfRecord,
  type StatusRef,
} from '../../../profiles/workflow/status-names.js';
import {
  addWorkOrderMaterialsInputSchema,
  changeWorkOrderStatusInputSchema,
  createWorkOrderInputSchema,
  updateWorkOrderInputSchema,
  type AddWorkOrderMaterialsInput,
  type AddWorkOrderMaterialsResult,
  type ChangeWorkOrderStatusInput,
  type ChangeWorkOrderStatusResult,
  type CreateWorkOrderInput,
  type CreateWorkOrderResult,
  type ReferenceCarrier,
  type UpdateWorkOrderInput,
  type UpdateWorkOrderResult,
  type WorkOrderMaterialInput,
} from './contract.js';
import { carriesReference, referenceCarrier, withReference } from './reference.js';
import { differingFields, hasOwn, isBlank, pendingChanges } from '../../workflow/engine/field-values.js';
import { sweepLateChildDuplicates, sweepLateDuplicates, type AddedChild } from '../../workflow/engine/late-duplicates.js';
import { LOOK_BEFORE_REPEATING_PUT_PATCH, StepRunner } from '../../workflow/engine/step-runner.js';
import { beginWrite, budgetOf, looseValues, parseInput, recordingOutcome, refuse } from '../../workflow/engine/write-context.js';
import { stepsQuery } from '../../workflow/messages.js';

/** Rules the work-order workflows add to the profile's (stable names, like check-write's `Rule`). */
export const WorkOrderRule = {
  reservedReferenceField: 'reserved-reference-field',
  unknownStatus: 'unknown-status',
  materialAlreadyPresent: 'material-already-present',
} as const;

const describeCarrier = (c: ReferenceCarrier) =>
  c.mode === 'field'
    ? `idempotency key in ${c.field}`
    : c.mode === 'marker'
      ? `idempotency key as ${c.marker} in ${c.field}`
      : `no lookup possible (${c.reason})`;

function readWorkOrder(runner: StepRunner, connectionId: string, key: string, name = 'read work order') {
  return runner.run(name, 'getWorkOrder', { connectionId, key }, { summary: `GET work order ${key}` });
}

function listStatuses(runner: StepRunner, connectionId: string) {
  return runner.run(
    'list work-order statuses',
    'listWorkOrderStatuses',
    { connectionId },
    {
      summary: 'GET work-order statuses',
    },
  );
}

/**
 * The status a work order is in, for the profile's state rules: resolved through the status list
 * by its statusKey (one comparison, status-names.ts); its text where the profile has no state rule,
 * and in runs recorded before the comparison.
 */
async function stateOf(runner: StepRunner, connectionId: string, profile: WriteProfile, wo: WoSnapshot): Promise<string | StatusRef> {
  if (!patched(STATUS_COMPARISON_PATCH) || profile.workOrder.stateRules.length === 0) return wo.status;
  return statusOfRecord(wo, await listStatuses(runner, connectionId)) ?? wo.status;
}

// Runs recorded before the one status comparison (status-names.ts) replay with what they compared:
// the normalised code (or name) of the target against the record's normalised status text.
const legacy = {
  find: (statuses: WoStatusOption[], named: string) => {
    const wanted = normaliseStatus(named);
    return (
      statuses.find((s) => s.key === named) ??
      statuses.find((s) => s.status === wanted || (s.name !== undefined && normaliseStatus(s.name) === wanted))
    );
  },
  /** By its key where the record carries one, else by text. */
  hasStatus: (wo: WoSnapshot, target: WoStatusOption) =>
    wo.statusKey !== undefined ? wo.statusKey === target.key : wo.status === target.status,
};

/** The reference field may not be set by the caller where it carries the idempotency key. */
function reservedReference(profile: WriteProfile, fields: Record<string, unknown>, what: string): Violation[] {
  const carrier = referenceCarrier(profile, 'x');
  if (carrier.mode !== 'field' || !hasOwn(fields, carrier.field)) return [];
  return [
    {
      field: carrier.field,
      rule: WorkOrderRule.reservedReferenceField,
      system: profile.system,
      message: `${carrier.field} carries the idempotency key of work orders on ${profile.system}; ${what}`,
      hint: `remove ${carrier.field}`,
    },
  ];
}

/** Scalar fields the caller sent that read back differently (the marker field is checked by `carriesReference`). */
function unconfirmed(readBack: Record<string, unknown>, sent: Record<string, unknown>, carrier?: ReferenceCarrier): string[] {
  const skip = carrier && carrier.mode === 'marker' ? carrier.field : undefined;
  return differingFields(readBack, Object.fromEntries(Object.entries(sent).filter(([f]) => f !== skip)), looseValues);
}

/**
 * Creates a work order exactly once: checked against the profile (per-platform required and
 * accepted fields), written with the idempotency key where the system keeps it, looked up before
 * any repeat after a lost answer, and read back.
 */
export async function createWorkOrder(rawInput: CreateWorkOrderInput): Promise<CreateWorkOrderResult> {
  const runner = new StepRunner(budgetOf(rawInput?.retryBudget), 'create work order');
  setHandler(stepsQuery, () => runner.steps);
  return recordingOutcome(async () => {
    const input = parseInput(createWorkOrderInputSchema, rawInput, 'createWorkOrder');
    const { connectionId, idempotencyKey, workOrder } = input;
    const { system, profile } = await beginWrite(runner, 'createWorkOrder', input);
    const carrier = referenceCarrier(profile, idempotencyKey);
    const violations = [
      ...checkWrite(profile, { entity: 'workOrder', operation: 'create', fields: workOrder }),
      ...reservedReference(profile, workOrder, 'it cannot be set by the caller'),
    ];
    if (violations.length) refuse(runner, system, 'this work order', violations);
    runner.note('check write restrictions', 'succeeded', `${system}: every rule passed; ${describeCarrier(carrier)}`);

    const find = async (): Promise<WoSnapshot | undefined> => {
      if (carrier.mode === 'none') {
        throw ApplicationFailure.create({
          type: WriteFailureType.outcomeUnknown,
          nonRetryable: true,
          message: `the work order may or may not have been created on ${system}, and ${carrier.reason}: check the system before starting again`,
        });
      }
      return (
        (await runner.run(
          'look up by idempotency key',
          'findWorkOrderByReference',
          { connectionId, carrier, idempotencyKey },
          {
            summary: `find work order by ${carrier.mode === 'field' ? `${carrier.field}=${idempotencyKey}` : `${carrier.field} containing ${carrier.marker}`}`,
          },
        )) ?? undefined
      );
    };
    // An earlier run (failed or reset) may have created it already.
    const earlier = carrier.mode === 'none' ? undefined : await find();
    const del = profile.workOrder.delete;
    const isDeleted = async (wo: WoSnapshot, deleted: string) => {
      if (!patched(STATUS_COMPARISON_PATCH)) return wo.status === normaliseStatus(deleted);
      const statuses = await listStatuses(runner, connectionId);
      return recordHasStatus(wo, findStatus(statuses, deleted) ?? { name: deleted });
    };
    if (earlier && del.by === 'status' && (await isDeleted(earlier, del.status))) {
      throw ApplicationFailure.create({
        type: WriteFailureType.idempotencyKeyUsed,
        nonRetryable: true,
        message: `work order ${earlier.key} created with idempotency key ${idempotencyKey} exists and is ${earlier.status}; start the write again with a new idempotency key`,
      });
    }
    const body = withReference(mapCustomFields(profile, 'workOrder', workOrder), carrier, idempotencyKey);
    const created =
      earlier ??
      (await runner.run(
        CREATE_WORK_ORDER_STEP,
        'createWorkOrder',
        { connectionId, body },
        {
          summary: `POST work order (${Object.keys(body).length} fields)`,
          checkLanded: find,
          createsRecord: true,
        },
      ));

    const final = await readWorkOrder(runner, connectionId, created.key, 'read back');
    if (carrier.mode !== 'none' && !carriesReference(final.fields, carrier, idempotencyKey)) {
      // The system dropped or rewrote what carries the key: no later run could find this work order.
      throw ApplicationFailure.create({
        type: WriteFailureType.outcomeUnknown,
        nonRetryable: true,
        message:
          `work order ${final.key} was written, but ${system} did not keep the idempotency key in ${carrier.field}: ` +
          'a later run could not find it, so it must not be started again with this key; check the work order, then use a new key',
      });
    }
    const wrong = unconfirmed(final.fields, mapCustomFields(profile, 'workOrder', workOrder), carrier);
    if (wrong.length) {
      throw ApplicationFailure.create({
        type: WriteFailureType.verificationFailed,
        nonRetryable: true,
        message: `work order ${final.key} reads back different values for ${wrong.join(', ')} after the create`,
      });
    }
    const duplicatesUndone =
      carrier.mode === 'none'
        ? []
        : await sweepLateDuplicates(runner, {
            system,
            what: 'work order',
            steps: [CREATE_WORK_ORDER_STEP],
            kept: final.key,
            reference: carrier.mode === 'field' ? `${carrier.field}=${idempotencyKey}` : `${carrier.field} containing ${carrier.marker}`,
            list: () =>
              runner.run(
                'look for late duplicates',
                'listWorkOrdersByReference',
                { connectionId, carrier, idempotencyKey },
                {
                  summary: `list work orders carrying ${idempotencyKey}`,
                },
              ),
            undo:
              del.by === 'status'
                ? {
                    by: 'status',
                    status: normaliseStatus(del.status),
                    run: (key) => cancelDuplicate(runner, connectionId, key, del.status),
                  }
                : del,
          });
    return {
      workOrderKey: final.key,
      status: final.status,
      foundExisting: earlier !== undefined,
      reference: carrier,
      ...(duplicatesUndone.length ? { duplicatesUndone } : {}),
      steps: runner.steps,
    };
  });
}

const CREATE_WORK_ORDER_STEP = 'create work order';

/** Cancels a late duplicate work order: its system's cancel status by key, looking before repeating. */
async function cancelDuplicate(runner: StepRunner, connectionId: string, key: string, cancelStatus: string): Promise<void> {
  const statuses = await runner.run(
    'list work-order statuses',
    'listWorkOrderStatuses',
    { connectionId },
    {
      summary: 'GET work-order statuses',
    },
  );
  const target = findStatus(statuses, cancelStatus);
  if (!target) throw new Error(`the system has no work-order status "${cancelStatus}"`);
  await runner.run(
    'undo late duplicate',
    'setWorkOrderStatus',
    { connectionId, key, statusKey: target.key },
    {
      summary: `PUT status ${target.status} on ${key} (a late duplicate)`,
      checkLanded: async () => {
        const now = await readWorkOrder(runner, connectionId, key, 'read late duplicate');
        return recordHasStatus(now, target) ? now : undefined;
      },
      checkLandedSince: LOOK_BEFORE_REPEATING_PUT_PATCH,
    },
  );
}

/**
 * Changes work-order fields the system accepts in the order's current state. Fields the system
 * wants on every update (MaintainX: siteKey and title) are sent with their current values when the
 * caller leaves them out. A PUT of the same values is idempotent, so a lost answer is retried.
 */
export async function updateWorkOrder(rawInput: UpdateWorkOrderInput): Promise<UpdateWorkOrderResult> {
  const runner = new StepRunner(budgetOf(rawInput?.retryBudget), 'update work order');
  setHandler(stepsQuery, () => runner.steps);
  return recordingOutcome(async () => {
    const input = parseInput(updateWorkOrderInputSchema, rawInput, 'updateWorkOrder');
    const { connectionId, workOrderKey: key, changes } = input;
    const { system, profile } = await beginWrite(runner, 'updateWorkOrder', input);
    const current = await readWorkOrder(runner, connectionId, key);
    const state = await stateOf(runner, connectionId, profile, current);
    const required = profile.workOrder.operations.update?.required ?? [];
    const carriedOver = required.filter((f) => !f.includes('.') && !hasOwn(changes, f) && !isBlank(current.fields[f]));
    const carried = Object.fromEntries(carriedOver.map((f) => [f, current.fields[f]]));
    const violations = [
      ...checkWrite(profile, {
        entity: 'workOrder',
        operation: 'update',
        fields: { ...changes, ...carried },
        currentStatus: state,
      }),
      ...reservedReference(profile, changes, 'it cannot change'),
    ];
    if (violations.length) refuse(runner, system, `this update of work order ${key} (status ${statusLabel(state)})`, violations);
    runner.note(
      'check write restrictions',
      'succeeded',
      `${system}: every rule passed in status ${statusLabel(state)}` +
        (carriedOver.length ? `; ${carriedOver.join(', ')} sent with current values (required on every update)` : ''),
    );

    const mapped = mapCustomFields(profile, 'workOrder', changes);
    const pending = pendingChanges(current.fields, mapped, looseValues);
    const changedFields = Object.keys(pending);
    if (changedFields.length === 0) {
      return { workOrderKey: key, status: current.status, changedFields: [], carriedOver: [], alreadyApplied: true, steps: runner.steps };
    }
    // An answer that may have landed is checked by reading the work order before the PUT is sent again.
    const updated = async () => {
      const now = await readWorkOrder(runner, connectionId, key, 'look up update');
      return unconfirmed(now.fields, pending).length === 0 ? now : undefined;
    };
    await runner.run(
      'update work order',
      'updateWorkOrder',
      { connectionId, key, changes: { ...pending, ...carried } },
      {
        summary: `PUT ${changedFields.join(', ')} on ${key}`,
        checkLanded: updated,
        checkLandedSince: LOOK_BEFORE_REPEATING_PUT_PATCH,
      },
    );
    const after = await readWorkOrder(runner, connectionId, key, 'read back');
    const wrong = unconfirmed(after.fields, pending);
    if (wrong.length) {
      throw ApplicationFailure.create({
        type: WriteFailureType.verificationFailed,
        nonRetryable: true,
        message: `work order ${key} reads back different values for ${wrong.join(', ')} after the update`,
      });
    }
    return { workOrderKey: key, status: after.status, changedFields, carriedOver, alreadyApplied: false, steps: runner.steps };
  });
}

/**
 * Moves a work order to a status the system knows (by name, code or key from its status list), if
 * the profile's state rules allow that move from the current status. Moving to the system's cancel
 * status is also checked as a cancel.
 */
export async function changeWorkOrderStatus(rawInput: ChangeWorkOrderStatusInput): Promise<ChangeWorkOrderStatusResult> {
  const runner = new StepRunner(budgetOf(rawInput?.retryBudget), 'change work order status');
  setHandler(stepsQuery, () => runner.steps);
  return recordingOutcome(async () => {
    const input = parseInput(changeWorkOrderStatusInputSchema, rawInput, 'changeWorkOrderStatus');
    const { connectionId, workOrderKey: key } = input;
    const { system, profile } = await beginWrite(runner, 'changeWorkOrderStatus', input);
    const current = await readWorkOrder(runner, connectionId, key);
    const statuses = await listStatuses(runner, connectionId);
    // One status comparison (status-names.ts); histories from before it replay with the text comparison.
    const one = patched(STATUS_COMPARISON_PATCH);
    const target = one ? findStatus(statuses, input.status) : legacy.find(statuses, input.status);
    if (!target) {
      refuse(runner, system, `status "${input.status}" for work order ${key}`, [
        {
          field: 'status',
          rule: WorkOrderRule.unknownStatus,
          system,
          message: `${system} has no work-order status "${input.status}"`,
          hint: `one of ${statuses.map((s) => (one ? statusLabel(s) : s.status)).join(', ')} (a name, a code or a key)`,
        },
      ]);
    }
    const currentStatus = one ? (statusOfRecord(current, statuses) ?? current.status) : current.status;
    const from = one ? statusLabel(currentStatus) : current.status;
    const to = one ? statusLabel(target) : target.status;
    const has = (wo: WoSnapshot) => (one ? recordHasStatus(wo, target) : wo.status === target.status);
    if (has(current)) {
      return { workOrderKey: key, previousStatus: from, status: to, statusKey: target.key, alreadyApplied: true, steps: runner.steps };
    }
    const base = {
      entity: 'workOrder' as const,
      fields: { statusKey: target.key },
      currentStatus,
      targetStatus: one ? target : target.status,
    };
    const del = profile.workOrder.delete;
    const cancelName = del.by === 'status' ? del.status : 'cancelled';
    const cancels = one ? statusIs(target, cancelName) : target.status === normaliseStatus(cancelName);
    const violations = dedupe([
      ...checkWrite(profile, { ...base, operation: 'changeStatus' }),
      ...(cancels ? checkWrite(profile, { ...base, operation: 'cancel' }) : []),
    ]);
    if (violations.length) refuse(runner, system, `moving work order ${key} from ${from} to ${to}`, violations);
    runner.note('check write restrictions', 'succeeded', `${system}: ${from} → ${to} allowed`);
    // An answer that may have landed is checked by reading the work order before the PUT is sent again.
    const moved = async () => {
      const now = await readWorkOrder(runner, connectionId, key, 'look up status');
      return (one ? recordHasStatus(now, target) : legacy.hasStatus(now, target)) ? now : undefined;
    };
    await runner.run(
      'change status',
      'setWorkOrderStatus',
      { connectionId, key, statusKey: target.key },
      {
        summary: `PUT status ${to} on ${key}`,
        checkLanded: moved,
        checkLandedSince: LOOK_BEFORE_REPEATING_PUT_PATCH,
      },
    );
    const after = await readWorkOrder(runner, connectionId, key, 'read back');
    if (!has(after)) {
      throw ApplicationFailure.create({
        type: WriteFailureType.verificationFailed,
        nonRetryable: true,
        message:
          `work order ${key} reads back status ${after.status}${after.statusKey ? ` (key ${after.statusKey})` : ''}, ` +
          `expected ${to} (key ${target.key})`,
      });
    }
    return {
      workOrderKey: key,
      previousStatus: from,
      status: one ? to : after.status,
      statusKey: target.key,
      alreadyApplied: false,
      steps: runner.steps,
    };
  });
}

function dedupe(vs: Violation[]): Violation[] {
  const seen = new Set<string>();
  return vs.filter((v) => {
    const id = `${v.field}|${v.rule}|${v.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}

/**
 * Why a late second material cannot be undone: Makini publishes no DELETE for any entity, and its
 * PUT on a work order's material addresses it by material key, so it cannot tell two apart
 * (/work/shared/makini-api.md, "Writes").
 */
const NO_MATERIAL_UNDO = 'Makini publishes no DELETE, and its PUT addresses a material by material key, not by the duplicate';

/** Violations about the operation or the record's state are reported once, not once per material. */
const RECORD_LEVEL_FIELDS = new Set(['(entity)', '(operation)', 'status']);

const sameQuantities = (have: WoMaterialSnapshot, want: WorkOrderMaterialInput) =>
  have.requiredQuantity === want.requiredQuantity && (want.usedQuantity === undefined || have.usedQuantity === want.usedQuantity);

/**
 * Plans materials on a work order, each exactly once: a material already on it with the same
 * quantities counts as added (an earlier run did it); with other quantities it is refused before
 * any write. A lost answer is checked by listing the work order's materials.
 */
export async function addWorkOrderMaterials(rawInput: AddWorkOrderMaterialsInput): Promise<AddWorkOrderMaterialsResult> {
  const runner = new StepRunner(budgetOf(rawInput?.retryBudget), 'add work order materials');
  setHandler(stepsQuery, () => runner.steps);
  return recordingOutcome(async () => {
    const input = parseInput(addWorkOrderMaterialsInputSchema, rawInput, 'addWorkOrderMaterials');
    const { connectionId, workOrderKey: key, materials } = input;
    const { system, profile } = await beginWrite(runner, 'addWorkOrderMaterials', input);
    const wo = await readWorkOrder(runner, connectionId, key);
    const state = await stateOf(runner, connectionId, profile, wo);
    const listMaterials = (name: string) =>
      runner.run(
        name,
        'listWorkOrderMaterials',
        { connectionId, key },
        {
          summary: `GET materials of work order ${key}`,
        },
      );
    const existing = await listMaterials('read materials');

    const violations: Violation[] = [];
    materials.forEach((m, i) => {
      for (const v of checkWrite(profile, { entity: 'workOrder', operation: 'addMaterials', fields: m, currentStatus: state })) {
        violations.push(RECORD_LEVEL_FIELDS.has(v.field) ? v : { ...v, field: `materials[${i}].${v.field}` });
      }
      const have = existing.find((e) => e.materialKey === m.materialKey);
      if (have && !sameQuantities(have, m)) {
        violations.push({
          field: `materials[${i}].materialKey`,
          rule: WorkOrderRule.materialAlreadyPresent,
          system,
          message:
            `material ${m.materialKey} is already on work order ${key} with requiredQuantity ${have.requiredQuantity ?? '?'}` +
            `${have.usedQuantity !== undefined ? `, usedQuantity ${have.usedQuantity}` : ''}`,
          hint: 'leave it out, or change its quantity in the system',
        });
      }
    });
    const all = dedupe(violations);
    if (all.length) refuse(runner, system, `these materials for work order ${key} (status ${statusLabel(state)})`, all);
    runner.note('check write restrictions', 'succeeded', `${system}: every rule passed in status ${statusLabel(state)}`);

    const out: AddWorkOrderMaterialsResult['materials'] = [];
    const addedChildren: AddedChild[] = [];
    for (const m of materials) {
      const have = existing.find((e) => e.materialKey === m.materialKey);
      if (have) {
        out.push({ materialKey: m.materialKey, key: have.key, added: false });
        continue;
      }
      const landed = async () => (await listMaterials(`look up material ${m.materialKey}`)).find((e) => e.materialKey === m.materialKey);
      const step = `add material ${m.materialKey}`;
      const added = await runner.run(
        step,
        'addWorkOrderMaterial',
        { connectionId, key, material: { ...m } },
        { summary: `POST material ${m.materialKey} (${m.requiredQuantity}) on ${key}`, checkLanded: landed, createsRecord: true },
      );
      addedChildren.push({ step, key: added.key, id: m.materialKey });
      out.push({ materialKey: m.materialKey, key: added.key, added: true });
    }
    await sweepLateChildDuplicates(runner, {
      system,
      what: 'material',
      idName: 'materialKey',
      parent: `work order ${key}`,
      parentKey: key,
      added: addedChildren,
      list: async () => (await listMaterials('look for late duplicate materials')).map((e) => ({ key: e.key, id: e.materialKey })),
      cannotUndo: NO_MATERIAL_UNDO,
    });
    const after = await listMaterials('read back');
    const missing = materials.filter((m) => !after.some((e) => e.materialKey === m.materialKey && sameQuantities(e, m)));
    if (missing.length) {
      throw ApplicationFailure.create({
        type: WriteFailureType.verificationFailed,
        nonRetryable: true,
        message: `work order ${key} does not show ${missing.map((m) => `${m.materialKey} (${m.requiredQuantity})`).join(', ')} after adding`,
      });
    }
    return { workOrderKey: key, materials: out, steps: runner.steps };
  });
}
