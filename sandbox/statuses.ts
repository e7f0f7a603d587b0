// How a connection's system names its statuses. Makini lists each status with a key, a code and a
// name [spec: Status], puts `statusKey` on records (and `status` on work orders) [spec], and says
// nothing of which of key, code or name a record's `status` or a PO status PUT carries. The
// `statusLabels` switch picks a side:
// - `makini` (default): key `wo-status-completed`, code `completed`, name `Completed`; a record's
//   `status` is the code (Makini's normalised name).
// - `system`: the system's own keys and codes (Maximo-like: key `WS-30`, code `COMPL`, name
//   `Completed`); a record's `status` is the name. Nothing the client sends as a name, a code or a
//   key equals either of the other two, even after normalising case and separators.
// - `system-codes`: the same statuses, but a record's `status` is the code (`COMPL`): only its
//   `statusKey`, resolved through the list, says which status it is in Makini's names.
// Records are stored with the canonical status (`completed`) and the makini key; the answer shows
// them as the switch says. The admin state shows the stored form.
import type { ConnectionBehaviour } from './behaviour.js';
import { PO_STATUSES, poStatusKey, WO_STATUSES, woStatusKey, type PoStatus, type WoStatus } from './store.js';

export type StatusEntity = 'purchase-orders' | 'work-orders';

/** One status as GET /statuses/<entity> lists it, with the canonical status it stands for. */
export interface StatusRow {
  canonical: string;
  key: string;
  code: string;
  name: string;
}

/** `pending-approval` → `Pending Approval`. */
const label = (s: string) =>
  s
    .split('-')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');

const SYSTEM_WO: Readonly<Record<WoStatus, readonly [key: string, code: string]>> = {
  open: ['WS-10', 'OPN'],
  'in-progress': ['WS-20', 'INPRG'],
  'on-hold': ['WS-25', 'HOLD'],
  completed: ['WS-30', 'COMPL'],
  cancelled: ['WS-90', 'CAN'],
};
const SYSTEM_PO: Readonly<Record<PoStatus, readonly [key: string, code: string]>> = {
  draft: ['PS-10', 'DRFT'],
  'pending-approval': ['PS-15', 'WAPPR'],
  approved: ['PS-20', 'APPR'],
  cancelled: ['PS-90', 'CAN'],
  closed: ['PS-95', 'CLOSE'],
};

/** Every status of an entity as this connection's system names it. */
export function statusRows(behaviour: ConnectionBehaviour, entity: StatusEntity): StatusRow[] {
  const system = behaviour.statusLabels !== 'makini';
  if (entity === 'work-orders') {
    return WO_STATUSES.map((s) =>
      system
        ? { canonical: s, key: SYSTEM_WO[s][0], code: SYSTEM_WO[s][1], name: label(s) }
        : { canonical: s, key: woStatusKey(s), code: s, name: label(s) },
    );
  }
  return PO_STATUSES.map((s) =>
    system
      ? { canonical: s, key: SYSTEM_PO[s][0], code: SYSTEM_PO[s][1], name: label(s) }
      : { canonical: s, key: poStatusKey(s), code: s, name: label(s) },
  );
}

function rowOf(behaviour: ConnectionBehaviour, entity: StatusEntity, canonical: string): StatusRow | undefined {
  return statusRows(behaviour, entity).find((r) => r.canonical === canonical);
}

/** The canonical status whose listed key is `key` (the work-order status PUT sends a key [spec]). */
export function statusByKey(behaviour: ConnectionBehaviour, entity: StatusEntity, key: string): string | undefined {
  return statusRows(behaviour, entity).find((r) => r.key === key)?.canonical;
}

/** The canonical status whose listed code is `code`, exactly (the PO status PUT's `{status}`). */
export function statusByCode(behaviour: ConnectionBehaviour, entity: StatusEntity, code: string): string | undefined {
  return statusRows(behaviour, entity).find((r) => r.code === code)?.canonical;
}

/** The canonical status a create body names by code or name (MaintainX takes `status` on create). */
export function statusByCodeOrName(behaviour: ConnectionBehaviour, entity: StatusEntity, value: string): string | undefined {
  return statusRows(behaviour, entity).find((r) => r.code === value || r.name === value)?.canonical;
}

/** The codes a request may name, for error messages. */
export const statusCodes = (behaviour: ConnectionBehaviour, entity: StatusEntity) => statusRows(behaviour, entity).map((r) => r.code);

/** A record as the answer shows it: `status` and `statusKey` as this system names them. */
export function presented<T extends { status: string; statusKey: string }>(
  behaviour: ConnectionBehaviour,
  entity: StatusEntity,
  record: T,
): T {
  const row = rowOf(behaviour, entity, record.status);
  if (!row || behaviour.statusLabels === 'makini') return record;
  return { ...record, status: behaviour.statusLabels === 'system' ? row.name : row.code, statusKey: row.key };
}
