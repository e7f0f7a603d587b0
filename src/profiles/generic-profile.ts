// The profile of a system makini-writes has no built-in profile for: conservative on purpose.
//
// Choices (each errs towards refusing a write the system might have taken, never towards a write
// it might half-apply or silently alter):
// - purchase order lines only in the header request (`with-header`): a PO is written in one
//   transaction or not at all; adding lines to an existing PO is refused;
// - every PO needs a vendor that exists in the target, and every line a quantity and a price;
//   totals, approval and status fields are read-only;
// - approved POs refuse updates, new lines and cancellation (only closing them is allowed);
//   closed and cancelled records are final, for every entity;
// - work orders need a title; completed ones can only be closed;
// - no custom field is writable (a connection override can open them one by one);
// - cancelling is a status change to `cancelled` (the Makini API has no DELETE);
// - 10 writes per minute per connection.
// A connection override (src/profiles/overrides.ts) relaxes any of these for one connection.
import { writeProfileSchema, type WriteProfile } from './workflow/schema.js';

const COMPUTED_PO_FIELDS = ['totalNetValue', 'totalGrossValue', 'totalTaxValue', 'approvedAt', 'completedAt', 'statusKey'];

/** Writes per minute of a system without a built-in profile. */
export const GENERIC_WRITES_PER_MINUTE = 10;

/**
 * The conservative generic profile for `system` (violations still name that system).
 * @example genericProfile('fiix').purchaseOrder.lines // → 'with-header'
 */
export function genericProfile(system: string): WriteProfile {
  const reason = `${system} has no built-in write profile: makini-writes applies conservative generic rules`;
  return writeProfileSchema.parse({
    system,
    displayName: `${system} (generic profile)`,
    category: 'unknown',
    writesPerMinute: GENERIC_WRITES_PER_MINUTE,
    purchaseOrder: {
      lines: 'with-header',
      referenceField: 'code',
      operations: {
        create: {
          required: ['vendorKey'],
          readOnly: COMPUTED_PO_FIELDS,
          mustExist: [{ field: 'vendorKey', lookup: 'vendor' }],
          lineRequired: ['quantity', 'price'],
        },
        update: { readOnly: ['vendorKey', 'orderNo', ...COMPUTED_PO_FIELDS] },
        addLine: { allowed: false, reason },
      },
      stateRules: [
        {
          states: ['approved'],
          refuses: ['update', 'addLine', 'cancel'],
          allowedStatusChanges: ['closed'],
          reason: 'an approved purchase order may be locked by the system; only closing it is assumed safe',
        },
        {
          states: ['closed', 'cancelled'],
          refuses: ['update', 'addLine', 'changeStatus', 'cancel'],
          reason: 'a closed or cancelled purchase order is final',
        },
      ],
      delete: { by: 'status', status: 'cancelled' },
    },
    workOrder: {
      referenceField: 'code',
      operations: { create: { required: ['title'] }, update: {} },
      stateRules: [
        {
          states: ['completed'],
          refuses: ['update', 'addMaterials', 'changeStatus', 'cancel'],
          allowedStatusChanges: ['closed'],
          reason: 'a completed work order can only be closed',
        },
        {
          states: ['closed', 'cancelled'],
          refuses: ['update', 'addMaterials', 'changeStatus', 'cancel'],
          reason: 'a closed or cancelled work order is final',
        },
      ],
      delete: { by: 'status', status: 'cancelled' },
    },
    inventory: {
      operations: { adjust: { required: ['quantity'] } },
    },
  });
}
