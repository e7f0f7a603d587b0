// The fields of the Makini entities makini-writes writes, as Makini's spec names them (oas3_eam.json:
// the POST/PUT request bodies and the `PurchaseOrder`, `POLineItem`, `WorkOrder`, `Inventory`
// schemas), plus the few fields Makini's platform-validation page names that the spec lacks.
// The one list of entity fields: capability discovery and the checker read it from here.
import type { Entity, Operation } from './schema.js';

/** JSON type of a field (the spec's own types are loose: `nullable|date`, `object` for numbers). */
export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';

export interface FieldSpec {
  type: FieldType;
  /** JSON Schema `format` (`date`, `date-time`). */
  format?: string;
  description?: string;
  /** Set by the system on every entity (keys, timestamps): never writable on any system. */
  systemManaged?: boolean;
  /** Element fields of an array field. */
  items?: Record<string, FieldSpec>;
  /** Where the field is named: the oas3 spec, or only platform-validation.json. */
  source?: 'spec' | 'platform-validation';
}

const str = (description?: string): FieldSpec => ({ type: 'string', description });
const key = (what: string): FieldSpec => ({ type: 'string', description: `key of the ${what}` });
const dateTime = (description?: string): FieldSpec => ({ type: 'string', format: 'date-time', description });
const num = (description?: string): FieldSpec => ({ type: 'number', description });
const managed = (description: string): FieldSpec => ({ type: 'string', format: 'date-time', description, systemManaged: true });

const address: FieldSpec = {
  type: 'object',
  description: 'Makini `Address` (country, addressLines, addressee, city, state, postCode, phone, email, notes)',
};

/** `POST /api/eam/purchase-orders` body and the `PurchaseOrder` schema, without `lineItems`. */
export const PURCHASE_ORDER_FIELDS: Record<string, FieldSpec> = {
  key: { type: 'string', description: 'Makini key of the purchase order', systemManaged: true },
  code: str('purchase order code (carries the idempotency key on most systems)'),
  orderNo: str('order number'),
  siteKey: key('site (plant, purchasing site)'),
  organizationKey: key('organization (company, subsidiary)'),
  vendorKey: key('vendor'),
  userRequestedKey: key('requesting user'),
  userApprovedKey: key('approving user'),
  locationKey: key('location'),
  orderDate: { type: 'string', format: 'date', description: 'order date' },
  statusKey: key('status'),
  title: str(),
  description: str(),
  dueAt: dateTime('due date'),
  approvedAt: dateTime('approval time'),
  completedAt: dateTime('completion time'),
  shippingMethod: str(),
  shipmentDate: dateTime('shipment date'),
  shipmentAddress: address,
  billingAddress: address,
  deliveryAddress: address,
  terms: str('payment terms'),
  notes: str(),
  currencyKey: key('currency'),
  totalNetValue: num('net total (computed by most systems)'),
  totalTaxValue: num('tax total (computed by most systems)'),
  totalGrossValue: num('gross total (computed by most systems)'),
  createdAt: managed('creation time'),
  updatedAt: managed('last change'),
};

/** The `POLineItem` schema. */
export const PO_LINE_FIELDS: Record<string, FieldSpec> = {
  key: { type: 'string', description: 'Makini key of the line', systemManaged: true },
  lineNo: { type: 'integer', description: 'line number' },
  materialKey: key('material (item)'),
  productKey: key('product'),
  code: str(),
  type: str('line type'),
  name: str(),
  description: str(),
  lineRef: str('external line reference'),
  quantity: num('ordered quantity'),
  receivedQuantity: { type: 'number', description: 'received quantity (set by goods receipts)', systemManaged: true },
  uomKey: key('unit of measure'),
  price: num('unit price'),
  discount: num(),
  lineTaxValue: num('line tax'),
  lineTotalValue: num('line total'),
  currencyKey: key('currency'),
  vendorKey: key('vendor'),
  statusKey: key('line status'),
  locationKey: key('location'),
  accountKey: key('GL account'),
  storeroomKey: key('storeroom'),
  assetKey: key('asset'),
  notes: str(),
  dueAt: dateTime('due date'),
  deliveryAt: dateTime('delivery date'),
  createdAt: managed('creation time'),
  updatedAt: managed('last change'),
  deletedAt: managed('deletion time'),
};

/** `POST /api/eam/work-orders` body and the `WorkOrder` schema. */
export const WORK_ORDER_FIELDS: Record<string, FieldSpec> = {
  key: { type: 'string', description: 'Makini key of the work order', systemManaged: true },
  code: str('work order code or number'),
  title: str(),
  parentKey: key('parent work order'),
  statusKey: key('status'),
  status: str('status name'),
  severity: str('priority / severity'),
  scheduledAt: dateTime('scheduled start'),
  dueAt: dateTime('due date'),
  siteKey: key('site'),
  organizationKey: key('organization'),
  locationKey: key('location'),
  storeroomKey: key('storeroom'),
  assetKey: key('asset'),
  assetDowntimeKey: key('asset downtime'),
  serviceRequestKey: key('service request'),
  pmKey: key('preventive maintenance plan'),
  teamKey: key('team'),
  laborAssignedKey: key('assigned labor'),
  accountKey: key('account'),
  userApprovedKey: key('approving user'),
  instructions: str(),
  estimatedTime: { type: 'integer', description: 'estimated time' },
  actualTime: { type: 'integer', description: 'actual time' },
  roleName: str(),
  categoryName: str(),
  notes: str(),
  approvedAt: dateTime('approval time'),
  completedAt: dateTime('completion time'),
  completionRemarks: str(),
  documents: { type: 'array', description: 'attached documents', items: { documentKey: key('document') } },
  tasks: { type: 'array', description: 'tasks' },
  resources: { type: 'array', description: 'planned work resources' },
  materialCount: { type: 'integer', description: 'number of materials (computed)', systemManaged: true },
  createdAt: managed('creation time'),
  updatedAt: managed('last change'),
  deletedAt: managed('deletion time'),
  // Named by Makini's platform-validation page for some systems, absent from the oas3 WorkOrder schema.
  description: { ...str('description'), source: 'platform-validation' },
  userAssignedKey: { ...key('assigned user'), source: 'platform-validation' },
  parts: {
    type: 'array',
    description: 'parts used',
    source: 'platform-validation',
    items: { partKey: key('part'), quantity: num('quantity') },
  },
  materials: {
    type: 'array',
    description: 'planned materials',
    source: 'platform-validation',
    items: { materialKey: key('material') },
  },
};

/** `POST /api/eam/work-orders/{key}/materials` body. */
export const WORK_ORDER_MATERIAL_FIELDS: Record<string, FieldSpec> = {
  materialKey: key('material'),
  storeroomKey: key('storeroom'),
  requiredQuantity: num('planned quantity'),
  usedQuantity: num('used quantity'),
};

/** `PUT /api/eam/inventories/{key}` body and the `Inventory` schema. */
export const INVENTORY_FIELDS: Record<string, FieldSpec> = {
  key: { type: 'string', description: 'Makini key of the inventory record', systemManaged: true },
  code: str(),
  name: str(),
  quantity: { type: 'integer', description: 'quantity on hand' },
  unitCost: { type: 'integer', description: 'unit cost' },
  locationKey: key('location'),
  createdAt: managed('creation time'),
  updatedAt: managed('last change'),
};

/** `PUT /api/eam/purchase-orders/{key}/status` body. */
export const PURCHASE_ORDER_STATUS_FIELDS: Record<string, FieldSpec> = { status: str('target status') };
/** `PUT /api/eam/work-orders/{key}/status` body. */
export const WORK_ORDER_STATUS_FIELDS: Record<string, FieldSpec> = { statusKey: key('target status') };

/** What one write sends: its body fields and, for PO writes, the fields of each line. */
export interface RequestShape {
  fields: Record<string, FieldSpec>;
  /** Line item fields, when the operation carries `lineItems`. */
  lineFields?: Record<string, FieldSpec>;
}

/** The body fields of one entity operation (cancel sends no body; addLine sends lines only). */
export function requestShape(entity: Entity, operation: Operation): RequestShape {
  switch (entity) {
    case 'purchaseOrder':
      if (operation === 'create') return { fields: PURCHASE_ORDER_FIELDS, lineFields: PO_LINE_FIELDS };
      if (operation === 'addLine') return { fields: {}, lineFields: PO_LINE_FIELDS };
      if (operation === 'changeStatus') return { fields: PURCHASE_ORDER_STATUS_FIELDS };
      if (operation === 'cancel') return { fields: {} };
      return { fields: PURCHASE_ORDER_FIELDS };
    case 'workOrder':
      if (operation === 'addMaterials') return { fields: WORK_ORDER_MATERIAL_FIELDS };
      if (operation === 'changeStatus') return { fields: WORK_ORDER_STATUS_FIELDS };
      if (operation === 'cancel') return { fields: {} };
      return { fields: WORK_ORDER_FIELDS };
    case 'inventory':
      if (operation === 'cancel') return { fields: {} };
      return { fields: INVENTORY_FIELDS };
    default:
      return { fields: {} };
  }
}

/** Whether `field` is set by the system whatever the write (`key`, timestamps, computed counts). */
export function isSystemManaged(fields: Record<string, FieldSpec>, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(fields, field) && fields[field]?.systemManaged === true;
}
