// Inventory as durable writes: absolute updates, and adjustments (deltas) made exactly once.
// Workflow type names are the public API: updateInventory, adjustInventory.
// How the adjustment stays exactly-once: docs/inventory-exactly-once.md.
import { ApplicationFailure, setHandler } from '@temporalio/workflow';
import type { GuardedWrite, InventorySnapshot } from '../activity-contract.js';
import { WriteFailureType, type Violation } from '../../../failures/workflow/failure-types.js';
import { judgeGuardedWrite, judgeLostAnswer } from './adjustment.js';
import {
  adjustInventoryInputSchema,
  updateInventoryInputSchema,
  type AdjustInventoryInput,
  type AdjustInventoryResult,
  type InventoryTarget,
  type UpdateInventoryInput,
  type UpdateInventoryResult,
} from './contract.js';
import { checkWrite } from '../../../profiles/workflow/check-write.js';
import { differingFields, pendingChanges } from '../../workflow/engine/field-values.js';
import { LOOK_BEFORE_REPEATING_PUT_PATCH, StepRunner } from '../../workflow/engine/step-runner.js';
import { beginWrite, budgetOf, looseValues, parseInput, recordingOutcome, refuse } from '../../workflow/engine/write-context.js';
import { stepsQuery } from '../../workflow/messages.js';

/** Rules the inventory workflows add to the profile's. */
export const InventoryRule = {
  negativeStock: 'negative-stock',
} as const;

/** Read-compute-write rounds an adjustment tries while others keep changing the record. */
export const MAX_ADJUST_ROUNDS = 5;

const targetOf = (i: { inventoryKey?: string; materialKey?: string }): InventoryTarget =>
  i.inventoryKey !== undefined ? { inventoryKey: i.inventoryKey } : { materialKey: i.materialKey! };

const describeTarget = (t: InventoryTarget) =>
  t.inventoryKey !== undefined ? `inventory ${t.inventoryKey}` : `inventory of material ${t.materialKey}`;

function readInventory(runner: StepRunner, connectionId: string, target: InventoryTarget, name: string): Promise<InventorySnapshot> {
  return runner.run(name, 'readInventory', { connectionId, target }, { summary: `GET ${describeTarget(target)}` });
}

/** Sets inventory fields to absolute values; an answer that may have landed is checked by a read before any repeat. */
export async function updateInventory(rawInput: UpdateInventoryInput): Promise<UpdateInventoryResult> {
  const runner = new StepRunner(budgetOf(rawInput?.retryBudget), 'update inventory');
  setHandler(stepsQuery, () => runner.steps);
  return recordingOutcome(async () => {
    const input = parseInput(updateInventoryInputSchema, rawInput, 'updateInventory');
    const { connectionId, changes } = input;
    const target = targetOf(input);
    const { system, profile } = await beginWrite(runner, 'updateInventory', input);
    const current = await readInventory(runner, connectionId, target, 'read inventory');
    const violations = checkWrite(profile, { entity: 'inventory', operation: 'update', fields: changes });
    if (violations.length) refuse(runner, system, `this update of ${describeTarget(target)}`, violations);
    runner.note('check write restrictions', 'succeeded', `${system}: every rule passed`);
    const pending = pendingChanges(current.fields, changes, looseValues);
    const changedFields = Object.keys(pending);
    if (changedFields.length === 0) {
      return { inventoryKey: current.key, quantity: current.quantity, changedFields: [], alreadyApplied: true, steps: runner.steps };
    }
    // An answer that may have landed is checked by reading the record before the PUT is sent again.
    const updated = async () => {
      const now = await readInventory(runner, connectionId, target, 'look up update');
      return differingFields(now.fields, pending, looseValues).length === 0 ? now : undefined;
    };
    await runner.run(
      'update inventory',
      'writeInventory',
      { connectionId, target, changes: pending },
      {
        summary: `PUT ${changedFields.join(', ')} on ${describeTarget(target)}`,
        checkLanded: updated,
        checkLandedSince: LOOK_BEFORE_REPEATING_PUT_PATCH,
      },
    );
    const after = await readInventory(runner, connectionId, target, 'read back');
    const wrong = differingFields(after.fields, pending, looseValues);
    if (wrong.length) {
      throw ApplicationFailure.create({
        type: WriteFailureType.verificationFailed,
        nonRetryable: true,
        message: `${describeTarget(target)} reads back different values for ${wrong.join(', ')} after the update`,
      });
    }
    return { inventoryKey: after.key, quantity: after.quantity, changedFields, alreadyApplied: false, steps: runner.steps };
  });
}

/**
 * Changes the quantity on hand by `delta`, exactly once: reads the quantity, computes the absolute
 * target once (kept in history), writes it only if the record is unchanged since the read
 * (compare-and-set), and after a lost answer reads again to decide whether it landed. Someone
 * else's change before the write means read and compute again; a state it cannot explain stops the
 * workflow (WriteOutcomeUnknown) instead of risking the delta twice.
 */
export async function adjustInventory(rawInput: AdjustInventoryInput): Promise<AdjustInventoryResult> {
  const runner = new StepRunner(budgetOf(rawInput?.retryBudget), 'adjust inventory');
  setHandler(stepsQuery, () => runner.steps);
  return recordingOutcome(async () => {
    const input = parseInput(adjustInventoryInputSchema, rawInput, 'adjustInventory');
    const { connectionId, delta } = input;
    const target = targetOf(input);
    const { system, profile } = await beginWrite(runner, 'adjustInventory', input);
    const signed = `${delta > 0 ? '+' : ''}${delta}`;

    for (let round = 1; ; round += 1) {
      const suffix = round === 1 ? '' : ` (round ${round})`;
      const base = await readInventory(runner, connectionId, target, `read inventory${suffix}`);
      const quantity = base.quantity + delta;
      const violations: Violation[] = checkWrite(profile, { entity: 'inventory', operation: 'adjust', fields: { quantity } });
      if (quantity < 0) {
        violations.push({
          field: 'delta',
          rule: InventoryRule.negativeStock,
          system,
          message: `${describeTarget(target)} holds ${base.quantity}; ${signed} would leave ${quantity}`,
          hint: 'quantities on hand cannot go below 0',
        });
      }
      if (violations.length) refuse(runner, system, `adjusting ${describeTarget(target)} by ${signed}`, violations);
      runner.note(
        `check write restrictions${suffix}`,
        'succeeded',
        `${system}: ${base.quantity} ${signed} → ${quantity}${input.reason ? ` (${input.reason})` : ''}`,
      );

      let mayHaveLanded = false;
      const landed = async (): Promise<GuardedWrite | undefined> => {
        mayHaveLanded = true;
        const now = await readInventory(runner, connectionId, target, `check whether quantity ${quantity} landed`);
        const verdict = judgeLostAnswer(now, base, quantity);
        if (verdict === 'not-landed') return undefined;
        if (verdict === 'landed') return { written: false, inventory: now };
        throw unknownOutcome(
          `${describeTarget(target)}: a write of ${quantity} lost its answer and the quantity is now ${now.quantity} ` +
            `(was ${base.quantity}): someone else changed it, so whether ${signed} is in it cannot be told`,
          base,
          quantity,
          now,
        );
      };
      const res = await runner.run(
        `write quantity ${quantity} if unchanged${suffix}`,
        'compareAndSetInventory',
        { connectionId, target, expected: { quantity: base.quantity, updatedAt: base.updatedAt }, changes: { quantity } },
        { summary: `PUT quantity ${base.quantity} → ${quantity} on ${base.key} if still ${base.quantity}`, checkLanded: landed },
      );

      const verdict = judgeGuardedWrite(res.written, res.inventory, base, quantity, mayHaveLanded);
      if (verdict.kind === 'unknown') throw unknownOutcome(`${describeTarget(target)}: ${verdict.why}`, base, quantity, res.inventory);
      if (verdict.kind === 'recompute') {
        runner.note(
          `someone else changed the quantity${suffix}`,
          'skipped',
          `${base.key} went from ${base.quantity} to ${res.inventory.quantity} before the write; nothing written, reading again`,
        );
        if (round >= MAX_ADJUST_ROUNDS) {
          throw ApplicationFailure.create({
            type: WriteFailureType.retryBudgetExhausted,
            nonRetryable: true,
            message: `${describeTarget(target)} changed under each of ${round} read-compute-write rounds; nothing was written (${signed} not applied)`,
          });
        }
        continue;
      }
      const after = await readInventory(runner, connectionId, target, 'read back');
      if (after.quantity !== quantity && after.updatedAt === res.inventory.updatedAt) {
        throw ApplicationFailure.create({
          type: WriteFailureType.verificationFailed,
          nonRetryable: true,
          message: `${describeTarget(target)} reads back quantity ${after.quantity}, expected ${quantity}`,
        });
      }
      return {
        inventoryKey: base.key,
        previousQuantity: base.quantity,
        delta,
        quantity,
        appliedBy: verdict.by,
        rounds: round,
        steps: runner.steps,
      };
    }
  });
}

function unknownOutcome(message: string, base: InventorySnapshot, target: number, found: InventorySnapshot): ApplicationFailure {
  return ApplicationFailure.create({
    type: WriteFailureType.outcomeUnknown,
    nonRetryable: true,
    message: `${message}; check the quantity in the system before adjusting again (with a new idempotency key)`,
    details: [
      {
        inventoryKey: base.key,
        readQuantity: base.quantity,
        readUpdatedAt: base.updatedAt,
        target,
        foundQuantity: found.quantity,
        foundUpdatedAt: found.updatedAt,
      },
    ],
  });
}
