// How each connected system behaves behind Makini, keyed by provider name as Makini names it.
// The differences matter to clients: where PO lines may be written, what locks a PO, which
// work-order fields are required (Makini's published platform validation for the CMMS platforms).
import { rulesFor, topLevelFields } from './platform-validation.js';
import type { PoStatus } from './store.js';

export interface PurchaseOrderBehaviour {
  /** `with-header`: lines only in the create request (SAP deep insert); `with-header-or-later`: also added one by one. */
  lines: 'with-header' | 'with-header-or-later';
  /** A PO without lines is refused at create. */
  linesRequiredOnCreate: boolean;
  requiredHeader: readonly string[];
  requiredLine: readonly string[];
  /** Header fields a PUT may not change (beyond the fields read-only everywhere). */
  updateReadOnly: readonly string[];
  /** Status changes allowed once approved (approved POs refuse PUT and new lines everywhere). */
  fromApproved: readonly PoStatus[];
}

export interface WorkOrderBehaviour {
  createRequired: readonly string[];
  updateRequired: readonly string[];
  /** Fields this platform accepts beyond the WorkOrder entity's (e.g. MaintainX `parts`). */
  extraFields: readonly string[];
}

export interface SystemBehaviour {
  provider: string;
  displayName: string;
  purchaseOrder: PurchaseOrderBehaviour;
  workOrder: WorkOrderBehaviour;
}

/** Dynamics 365 F&O: header and lines are separate OData entities, lines may follow the header. */
const DYNAMICS_PO: PurchaseOrderBehaviour = {
  lines: 'with-header-or-later',
  linesRequiredOnCreate: false,
  requiredHeader: ['vendorKey'],
  requiredLine: ['quantity'],
  updateReadOnly: ['vendorKey'],
  fromApproved: ['closed', 'cancelled'],
};

/** Work-order rules from Makini's platform validation, where it publishes them. */
function cmmsWorkOrder(provider: string): WorkOrderBehaviour {
  const create = rulesFor('POST work-orders', provider);
  const update = rulesFor('PUT work-orders', provider);
  return {
    createRequired: create?.required ?? ['title'],
    updateRequired: update?.required ?? [],
    extraFields: topLevelFields([
      ...(create?.required ?? []),
      ...(create?.optional ?? []),
      ...(update?.required ?? []),
      ...(update?.optional ?? []),
    ]),
  };
}

const erpWorkOrder = (createRequired: readonly string[]): WorkOrderBehaviour => ({ createRequired, updateRequired: [], extraFields: [] });

const cmms = (provider: string, displayName: string): SystemBehaviour => ({
  provider,
  displayName,
  purchaseOrder: DYNAMICS_PO,
  workOrder: cmmsWorkOrder(provider),
});

export const SYSTEMS: Readonly<Record<string, SystemBehaviour>> = {
  // SAP S/4HANA: API_PURCHASEORDER_PROCESS_SRV creates header and items in one deep insert; a PO
  // needs vendor, plant and currency, items need quantity and net price; a released PO is locked.
  sap: {
    provider: 'sap',
    displayName: 'SAP S/4HANA',
    purchaseOrder: {
      lines: 'with-header',
      linesRequiredOnCreate: true,
      requiredHeader: ['vendorKey', 'siteKey', 'currencyKey'],
      requiredLine: ['quantity', 'price'],
      updateReadOnly: ['vendorKey', 'orderNo'],
      fromApproved: ['closed'],
    },
    workOrder: erpWorkOrder(['title']),
  },
  dynamics: { provider: 'dynamics', displayName: 'Microsoft Dynamics 365', purchaseOrder: DYNAMICS_PO, workOrder: erpWorkOrder(['title']) },
  // NetSuite: "You must enter at least one line item for this transaction", but lines can be added
  // later; an approved PO can only be closed (profiles/netsuite.yaml agrees).
  netsuite: {
    provider: 'netsuite',
    displayName: 'Oracle NetSuite',
    purchaseOrder: { ...DYNAMICS_PO, linesRequiredOnCreate: true, fromApproved: ['closed'] },
    workOrder: erpWorkOrder(['title']),
  },
  // Maximo: POLINE rows with the PO or later; a PO needs its site; APPR POs need a revision to change.
  maximo: {
    provider: 'maximo',
    displayName: 'IBM Maximo',
    purchaseOrder: { ...DYNAMICS_PO, requiredHeader: ['vendorKey', 'siteKey'] },
    workOrder: erpWorkOrder(['title', 'siteKey']),
  },
  emaint: cmms('emaint', 'eMaint'),
  'maintain-x': cmms('maintain-x', 'MaintainX'),
  upkeep: cmms('upkeep', 'UpKeep'),
  'infor-e': cmms('infor-e', 'Infor EAM'),
  inextia: cmms('inextia', 'Inextia'),
  'service-channel': cmms('service-channel', 'ServiceChannel'),
};

/** The behaviour of a provider; an unknown one behaves like Dynamics (under its own name). */
export function systemBehaviour(provider: string): SystemBehaviour {
  return SYSTEMS[provider] ?? { ...SYSTEMS.dynamics!, provider, displayName: provider };
}

/** PO status changes allowed from each status (same status is a no-op, answered 200). */
export function allowedPoTransitions(system: SystemBehaviour, from: PoStatus): readonly PoStatus[] {
  switch (from) {
    case 'draft':
      return ['pending-approval', 'approved', 'cancelled'];
    case 'pending-approval':
      return ['draft', 'approved', 'cancelled'];
    case 'approved':
      return system.purchaseOrder.fromApproved;
    case 'cancelled':
    case 'closed':
      return [];
  }
}
