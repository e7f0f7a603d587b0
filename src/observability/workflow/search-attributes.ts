// Custom search attributes: what ops filter writes by in the Temporal UI and in `rerun-failed`.
// They are indexed in plain text: never put a confidential value (token, price, free text) here.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Connection id the write goes to (a Makini connection = one customer system). */
export const SA_CONNECTION_ID = defineSearchAttributeKey('MakiniConnectionId', SearchAttributeType.KEYWORD);
/** Target system as Makini names the provider (`sap`, `emaint`, ...). */
export const SA_SYSTEM = defineSearchAttributeKey('MakiniSystem', SearchAttributeType.KEYWORD);
/** Entity written (`purchase-order`, `work-order`, `inventory`). */
export const SA_ENTITY = defineSearchAttributeKey('MakiniEntity', SearchAttributeType.KEYWORD);
/** Operation (`create`, `update`, `cancel`, ...). */
export const SA_OPERATION = defineSearchAttributeKey('MakiniOperation', SearchAttributeType.KEYWORD);
/** `running`, `waiting`, `succeeded`, `failed`, `compensated`. */
export const SA_OUTCOME = defineSearchAttributeKey('MakiniOutcome', SearchAttributeType.KEYWORD);
/** Failure type or Makini error code of a failed write. */
export const SA_ERROR_CODE = defineSearchAttributeKey('MakiniErrorCode', SearchAttributeType.KEYWORD);

/**
 * A write waiting: for its connection (`reauthorization`, `connection-down`) or for its system's
 * commit horizon after an unknown outcome (`commit-horizon`); absent otherwise.
 */
export const SA_WAITING_FOR = defineSearchAttributeKey('MakiniWaitingFor', SearchAttributeType.KEYWORD);
/** A connection's control workflow: `ok`, `rate-reduced`, `rate-paused`, `connection-down`, `needs-reauthorization`. */
export const SA_CONNECTION_HEALTH = defineSearchAttributeKey('MakiniConnectionHealth', SearchAttributeType.KEYWORD);

/**
 * A create sent again after an unknown outcome, and its sweep for a late duplicate (src/writes/workflow/engine/late-duplicates.ts):
 * `looking` (waiting for the horizon), `none`, `undone`, `left` (a duplicate is in the system); absent otherwise.
 */
export const SA_LATE_DUPLICATE = defineSearchAttributeKey('MakiniLateDuplicate', SearchAttributeType.KEYWORD);

/** Every custom attribute, for server registration (`--search-attribute Name=Keyword`). */
export const ALL_SEARCH_ATTRIBUTES = [
  SA_CONNECTION_ID,
  SA_SYSTEM,
  SA_ENTITY,
  SA_OPERATION,
  SA_OUTCOME,
  SA_ERROR_CODE,
  SA_WAITING_FOR,
  SA_CONNECTION_HEALTH,
  SA_LATE_DUPLICATE,
];
