// The checker over every built-in profile: requests and the violations (rule:field) each must give.
import { describe, expect, it } from 'vitest';
import { checkWrite, type WriteCheckRequest } from '../../src/profiles/workflow/check-write.js';
import { builtins, profile, summary } from './support.js';

interface Case {
  name: string;
  req: WriteCheckRequest;
  expect: string[];
}

const poHeader = { vendorKey: 'V100', siteKey: 'S1', currencyKey: 'EUR' };
const line = { quantity: 2, price: 10 };

/** A work order MaintainX takes (siteKey + title) that eMaint refuses (no assetKey/scheduledAt; siteKey not accepted). */
const mxWorkOrder: WriteCheckRequest = { entity: 'workOrder', operation: 'create', fields: { siteKey: 'S1', title: 'Replace pump seal' } };

const cases: Record<string, Case[]> = {
  sap: [
    { name: 'complete PO with lines', req: { entity: 'purchaseOrder', operation: 'create', fields: poHeader, lines: [line] }, expect: [] },
    {
      name: 'PO missing site and currency, line without price, computed total, unknown vendor',
      req: {
        entity: 'purchaseOrder',
        operation: 'create',
        fields: { vendorKey: 'NOPE', totalNetValue: 5 },
        lines: [{ quantity: 1 }],
        references: { vendorKey: false },
      },
      expect: [
        'line-required:lineItems[0].price',
        'read-only:totalNetValue',
        'reference-not-found:vendorKey',
        'required:currencyKey',
        'required:siteKey',
      ],
    },
    {
      name: 'update of an approved PO',
      req: { entity: 'purchaseOrder', operation: 'update', fields: { title: 'x' }, currentStatus: 'approved' },
      expect: ['state-locked:status'],
    },
    {
      name: 'update of a draft PO',
      req: { entity: 'purchaseOrder', operation: 'update', fields: { title: 'x' }, currentStatus: 'draft' },
      expect: [],
    },
    {
      name: 'approved PO may be closed',
      req: { entity: 'purchaseOrder', operation: 'changeStatus', currentStatus: 'approved', targetStatus: 'closed' },
      expect: [],
    },
    {
      name: 'approved PO cannot be cancelled',
      req: { entity: 'purchaseOrder', operation: 'cancel', currentStatus: 'approved', targetStatus: 'cancelled' },
      expect: ['state-locked:status'],
    },
    {
      name: 'draft PO may be cancelled',
      req: { entity: 'purchaseOrder', operation: 'cancel', currentStatus: 'draft', targetStatus: 'cancelled' },
      expect: [],
    },
    {
      name: 'a line after the header',
      req: { entity: 'purchaseOrder', operation: 'addLine', lines: [line], currentStatus: 'draft' },
      expect: ['lines-with-header-only:lineItems', 'operation-not-allowed:(operation)'],
    },
    {
      name: 'vendor change on update',
      req: { entity: 'purchaseOrder', operation: 'update', fields: { vendorKey: 'V2', orderNo: '45' } },
      expect: ['read-only:orderNo', 'read-only:vendorKey'],
    },
    {
      name: 'custom field not opened',
      req: { entity: 'purchaseOrder', operation: 'create', fields: { ...poHeader, customFields: { ZZ_PROJECT: 'P1' } }, lines: [line] },
      expect: ['custom-field-not-writable:customFields.ZZ_PROJECT'],
    },
    {
      name: 'system-managed timestamp',
      req: {
        entity: 'purchaseOrder',
        operation: 'create',
        fields: { ...poHeader, createdAt: '2026-01-01' },
        lines: [{ ...line, receivedQuantity: 1 }],
      },
      expect: ['read-only:createdAt', 'read-only:lineItems[0].receivedQuantity'],
    },
    {
      name: 'work order without title',
      req: { entity: 'workOrder', operation: 'create', fields: { assetKey: 'A1' } },
      expect: ['required:title'],
    },
  ],
  dynamics: [
    {
      name: 'PO with header and lines',
      req: { entity: 'purchaseOrder', operation: 'create', fields: { vendorKey: 'V1' }, lines: [line] },
      expect: [],
    },
    {
      name: 'line added to a draft PO without quantity',
      req: { entity: 'purchaseOrder', operation: 'addLine', lines: [{ price: 3 }], currentStatus: 'draft' },
      expect: ['line-required:lineItems[0].quantity'],
    },
    {
      name: 'line added to an approved PO',
      req: { entity: 'purchaseOrder', operation: 'addLine', lines: [line], currentStatus: 'approved' },
      expect: ['state-locked:status'],
    },
    {
      name: 'approved PO may be cancelled',
      req: { entity: 'purchaseOrder', operation: 'cancel', currentStatus: 'approved', targetStatus: 'cancelled' },
      expect: [],
    },
    {
      name: 'closed PO is final',
      req: { entity: 'purchaseOrder', operation: 'changeStatus', currentStatus: 'closed', targetStatus: 'draft' },
      expect: ['state-locked:status'],
    },
    {
      name: 'vendor change on update',
      req: { entity: 'purchaseOrder', operation: 'update', fields: { vendorKey: 'V2' } },
      expect: ['read-only:vendorKey'],
    },
  ],
  netsuite: [
    {
      name: 'PO with item lines',
      req: { entity: 'purchaseOrder', operation: 'create', fields: { vendorKey: 'V1' }, lines: [{ materialKey: 'M1', quantity: 1 }] },
      expect: [],
    },
    {
      name: 'PO without vendor, line without item',
      req: { entity: 'purchaseOrder', operation: 'create', fields: {}, lines: [{ quantity: 1 }] },
      expect: ['line-required:lineItems[0].materialKey', 'required:vendorKey'],
    },
    {
      name: 'line added to an approved PO',
      req: { entity: 'purchaseOrder', operation: 'addLine', lines: [{ materialKey: 'M1', quantity: 1 }], currentStatus: 'approved' },
      expect: [],
    },
    {
      name: 'update of a received PO',
      req: { entity: 'purchaseOrder', operation: 'update', fields: { notes: 'x' }, currentStatus: 'received' },
      expect: ['state-locked:status'],
    },
    {
      name: 'received PO may be closed',
      req: { entity: 'purchaseOrder', operation: 'cancel', currentStatus: 'received', targetStatus: 'closed' },
      expect: [],
    },
    {
      name: 'no maintenance work orders',
      req: { entity: 'workOrder', operation: 'create', fields: { title: 't' } },
      expect: ['operation-not-allowed:(operation)'],
    },
    { name: 'work order cancel', req: { entity: 'workOrder', operation: 'cancel' }, expect: ['delete-impossible:(operation)'] },
    {
      name: 'inventory adjustment without quantity',
      req: { entity: 'inventory', operation: 'adjust', fields: { locationKey: 'L1' } },
      expect: ['required:quantity'],
    },
  ],
  maximo: [
    {
      name: 'PO without site',
      req: { entity: 'purchaseOrder', operation: 'create', fields: { vendorKey: 'V1' }, lines: [{ quantity: 1 }] },
      expect: ['required:siteKey'],
    },
    {
      name: 'approved PO is read-only',
      req: { entity: 'purchaseOrder', operation: 'update', fields: { notes: 'x' }, currentStatus: 'approved' },
      expect: ['state-locked:status'],
    },
    {
      name: 'approved PO may be cancelled',
      req: { entity: 'purchaseOrder', operation: 'changeStatus', currentStatus: 'approved', targetStatus: 'cancelled' },
      expect: [],
    },
    {
      name: 'approved PO takes no new line',
      req: { entity: 'purchaseOrder', operation: 'addLine', lines: [{ quantity: 1 }], currentStatus: 'approved' },
      expect: ['state-locked:status'],
    },
    {
      name: 'in-progress work order cannot be cancelled',
      req: { entity: 'workOrder', operation: 'cancel', currentStatus: 'in-progress', targetStatus: 'cancelled' },
      expect: ['state-locked:status'],
    },
    {
      name: 'completed work order may be closed',
      req: { entity: 'workOrder', operation: 'changeStatus', currentStatus: 'completed', targetStatus: 'closed' },
      expect: [],
    },
    {
      name: 'completed work order cannot reopen',
      req: { entity: 'workOrder', operation: 'changeStatus', currentStatus: 'completed', targetStatus: 'in-progress' },
      expect: ['state-locked:status'],
    },
    {
      name: 'closed work order is history',
      req: { entity: 'workOrder', operation: 'update', fields: { title: 't' }, currentStatus: 'closed' },
      expect: ['state-locked:status'],
    },
    {
      name: 'material without used quantity',
      req: { entity: 'workOrder', operation: 'addMaterials', fields: { materialKey: 'M1', requiredQuantity: 2 } },
      expect: ['required:usedQuantity'],
    },
  ],
  emaint: [
    {
      name: 'work order MaintainX takes',
      req: mxWorkOrder,
      expect: ['field-not-writable:siteKey', 'required:assetKey', 'required:scheduledAt'],
    },
    {
      name: 'complete work order',
      req: {
        entity: 'workOrder',
        operation: 'create',
        fields: { assetKey: 'A1', title: 't', scheduledAt: '2026-03-01', dueAt: '2026-03-02' },
      },
      expect: [],
    },
    {
      name: 'update with dueAt (source lists "duaAt")',
      req: { entity: 'workOrder', operation: 'update', fields: { dueAt: '2026-03-02' } },
      expect: ['field-not-writable:dueAt'],
    },
    {
      name: 'update with the source spelling duaAt',
      req: { entity: 'workOrder', operation: 'update', fields: { duaAt: '2026-03-02', title: 't' } },
      expect: [],
    },
    {
      name: 'closed work order',
      req: { entity: 'workOrder', operation: 'update', fields: { title: 't' }, currentStatus: 'closed' },
      expect: ['state-locked:status'],
    },
    {
      name: 'line after the header',
      req: { entity: 'purchaseOrder', operation: 'addLine', lines: [{ quantity: 1 }] },
      expect: ['lines-with-header-only:lineItems', 'operation-not-allowed:(operation)'],
    },
  ],
  'maintain-x': [
    { name: 'work order eMaint refuses', req: mxWorkOrder, expect: [] },
    {
      name: 'parts with an unknown element key',
      req: {
        entity: 'workOrder',
        operation: 'create',
        fields: { siteKey: 'S1', title: 't', parts: [{ partKey: 'P1', quantity: 1, sku: 'x' }] },
      },
      expect: ['field-not-writable:parts[0].sku'],
    },
    {
      name: 'update without title',
      req: { entity: 'workOrder', operation: 'update', fields: { siteKey: 'S1', severity: 'high' } },
      expect: ['required:title'],
    },
    {
      name: 'field Makini does not pass',
      req: { entity: 'workOrder', operation: 'create', fields: { siteKey: 'S1', title: 't', instructions: 'i' } },
      expect: ['field-not-writable:instructions'],
    },
    { name: 'cancel', req: { entity: 'workOrder', operation: 'cancel' }, expect: ['delete-impossible:(operation)'] },
    {
      name: 'materials endpoint',
      req: { entity: 'workOrder', operation: 'addMaterials', fields: { materialKey: 'M1' } },
      expect: ['operation-not-allowed:(operation)'],
    },
  ],
  upkeep: [
    {
      name: 'work order without severity and schedule',
      req: { entity: 'workOrder', operation: 'create', fields: { title: 't', assetKey: 'A1' } },
      expect: ['required:scheduledAt', 'required:severity'],
    },
    {
      name: 'work order MaintainX takes',
      req: mxWorkOrder,
      expect: ['field-not-writable:siteKey', 'required:assetKey', 'required:scheduledAt', 'required:severity'],
    },
    {
      name: 'update of the site',
      req: { entity: 'workOrder', operation: 'update', fields: { siteKey: 'S2' } },
      expect: ['field-not-writable:siteKey'],
    },
    { name: 'update of the title', req: { entity: 'workOrder', operation: 'update', fields: { title: 't2' } }, expect: [] },
    { name: 'cancel', req: { entity: 'workOrder', operation: 'cancel' }, expect: ['delete-impossible:(operation)'] },
  ],
  'infor-e': [
    {
      name: 'document with an unknown key',
      req: {
        entity: 'workOrder',
        operation: 'create',
        fields: { assetKey: 'A1', title: 't', documents: [{ documentKey: 'D1', name: 'x' }] },
      },
      expect: ['field-not-writable:documents[0].name'],
    },
    {
      name: 'update without asset',
      req: { entity: 'workOrder', operation: 'update', fields: { title: 't' } },
      expect: ['required:assetKey'],
    },
    {
      name: 'update with materials',
      req: { entity: 'workOrder', operation: 'update', fields: { assetKey: 'A1', materials: [{ materialKey: 'M1' }] } },
      expect: [],
    },
    {
      name: 'completed work order',
      req: { entity: 'workOrder', operation: 'update', fields: { assetKey: 'A1' }, currentStatus: 'completed' },
      expect: ['state-locked:status'],
    },
    {
      name: 'completed work order may be closed',
      req: { entity: 'workOrder', operation: 'changeStatus', currentStatus: 'completed', targetStatus: 'closed' },
      expect: [],
    },
    {
      name: 'PO without site',
      req: { entity: 'purchaseOrder', operation: 'create', fields: { vendorKey: 'V1' }, lines: [{ quantity: 1 }] },
      expect: ['required:siteKey'],
    },
  ],
  inextia: [
    {
      name: 'work order without schedule',
      req: { entity: 'workOrder', operation: 'create', fields: { title: 't', assetKey: 'A1', severity: 'low' } },
      expect: ['required:scheduledAt'],
    },
    {
      name: 'update of the asset',
      req: { entity: 'workOrder', operation: 'update', fields: { assetKey: 'A2' } },
      expect: ['field-not-writable:assetKey'],
    },
    {
      name: 'purchase order',
      req: { entity: 'purchaseOrder', operation: 'create', fields: { vendorKey: 'V1' }, lines: [line] },
      expect: ['operation-not-allowed:(operation)'],
    },
    { name: 'purchase order cancel', req: { entity: 'purchaseOrder', operation: 'cancel' }, expect: ['delete-impossible:(operation)'] },
  ],
  'service-channel': [
    {
      name: 'work order MaintainX takes',
      req: mxWorkOrder,
      expect: ['required:accountKey', 'required:description', 'required:organizationKey', 'required:scheduledAt', 'required:severity'],
    },
    {
      name: 'complete work order',
      req: {
        entity: 'workOrder',
        operation: 'create',
        fields: {
          organizationKey: 'O',
          siteKey: 'S',
          accountKey: 'A',
          title: 't',
          description: 'd',
          severity: 'P2',
          scheduledAt: '2026-03-01',
        },
      },
      expect: [],
    },
    {
      name: 'title change after creation',
      req: { entity: 'workOrder', operation: 'update', fields: { title: 't2' } },
      expect: ['field-not-writable:title'],
    },
    {
      name: 'invoiced work order',
      req: { entity: 'workOrder', operation: 'update', fields: { description: 'd' }, currentStatus: 'invoiced' },
      expect: ['state-locked:status'],
    },
    {
      name: 'inventory',
      req: { entity: 'inventory', operation: 'adjust', fields: { quantity: 1 } },
      expect: ['operation-not-allowed:(operation)'],
    },
  ],
};

describe('checkWrite over every built-in profile', () => {
  it('has a case table for every built-in profile', () => {
    expect(Object.keys(cases).sort()).toEqual([...builtins.keys()].sort());
  });

  for (const [system, table] of Object.entries(cases)) {
    describe(system, () => {
      it.each(table)('$name', ({ req, expect: expected }) => {
        const violations = checkWrite(profile(system), req);
        expect(summary(violations)).toEqual([...expected].sort());
        for (const v of violations) expect(v.system).toBe(system);
      });
    });
  }

  it('a work order MaintainX accepts misses fields eMaint requires', () => {
    expect(checkWrite(profile('maintain-x'), mxWorkOrder)).toEqual([]);
    const emaint = checkWrite(profile('emaint'), mxWorkOrder);
    expect(
      emaint
        .filter((v) => v.rule === 'required')
        .map((v) => v.field)
        .sort(),
    ).toEqual(['assetKey', 'scheduledAt']);
    expect(emaint.find((v) => v.field === 'scheduledAt')?.message).toBe('scheduledAt is required by emaint for workOrder create');
  });

  it('names the accepted fields when a field is not accepted', () => {
    const [v] = checkWrite(profile('emaint'), { entity: 'workOrder', operation: 'update', fields: { dueAt: '2026-01-01' } });
    expect(v?.hint).toBe('fields accepted: assetKey, title, scheduledAt, duaAt, description');
  });
});
