// The SAP OData dialect: what a caller relies on is that the deep insert carries every item with
// the CSRF token and session of the fetch, that SAP's refusal names the input's field, and that a
// stale CSRF token is not written and is tried again (the next attempt fetches a new token).
import { describe, expect, it } from 'vitest';
import { MakiniFailureType } from '../../src/failures/workflow/failure-types.js';
import { innerFailure } from '../../src/makini/passthrough/judge.js';
import { sapFieldToProject, sapOdata } from '../../src/makini/passthrough/sap-odata.js';
import type { CallMeta } from '../../src/makini/http.js';

const meta: CallMeta = { method: 'POST', path: '/api/passthrough', status: 200, durationMs: 2 };
const input = {
  reference: 'po-4711',
  header: { vendorKey: 'V-100', siteKey: '1000', currencyKey: 'EUR', orderDate: '2026-12-01' },
  lines: [
    { lineNo: 10, materialKey: 'mat-1', quantity: 2, price: 4.5, name: 'seal' },
    { lineNo: 20, materialKey: 'mat-2', quantity: 1, price: 10 },
  ],
};

describe('sap-odata dialect', () => {
  it('fetches a CSRF token, then deep-inserts the header and every item with that token and session cookie', () => {
    expect(sapOdata.prepareCreate?.()).toMatchObject({ method: 'get', headers: { 'x-csrf-token': 'Fetch' } });
    const prepared = {
      status: 200,
      headers: {
        'x-csrf-token': 'tok123',
        'set-cookie': 'SAP_SESSIONID_S4H_100=abc; path=/; HttpOnly, sap-usercontext=sap-client=100; path=/',
      },
      body: {},
    };
    const req = sapOdata.createPurchaseOrder(input, prepared);
    expect(req).toMatchObject({
      path: 'sap/opu/odata/sap/API_PURCHASEORDER_PROCESS_SRV/A_PurchaseOrder',
      method: 'post',
      headers: { 'x-csrf-token': 'tok123', Cookie: 'SAP_SESSIONID_S4H_100=abc; sap-usercontext=sap-client=100' },
    });
    expect(req.body).toEqual({
      PurchaseOrderType: 'NB',
      Supplier: 'V-100',
      DocumentCurrency: 'EUR',
      PurchaseOrderDate: `/Date(${Date.UTC(2026, 11, 1)})/`,
      CorrespncExternalReference: 'po-4711',
      to_PurchaseOrderItem: {
        results: [
          {
            PurchaseOrderItem: '10',
            Material: 'mat-1',
            OrderQuantity: '2',
            NetPriceAmount: '4.5',
            PurchaseOrderItemText: 'seal',
            Plant: '1000',
          },
          { PurchaseOrderItem: '20', Material: 'mat-2', OrderQuantity: '1', NetPriceAmount: '10', Plant: '1000' },
        ],
      },
    });
  });

  it('looks up by Your Reference with $filter and compares exactly', () => {
    expect(sapOdata.lookupByReference('po-4711').query).toEqual({
      $filter: "CorrespncExternalReference eq 'po-4711'",
      $expand: 'to_PurchaseOrderItem',
      $format: 'json',
    });
    const entity = (ref: string, no: string) => ({
      PurchaseOrder: no,
      CorrespncExternalReference: ref,
      Supplier: 'V-100',
      PurchasingDocumentDeletionCode: '',
      to_PurchaseOrderItem: { results: [{ PurchaseOrderItem: '10' }] },
    });
    const found = sapOdata.parseLookup(
      { status: 200, headers: {}, body: { d: { results: [entity('po-4711', '45001'), entity('po-47110', '45002')] } } },
      'po-4711',
    );
    expect(found).toEqual([
      { key: '45001', status: 'draft', reference: 'po-4711', fields: { vendorKey: 'V-100' }, lines: [{ key: '45001/10', lineNo: 10 }] },
    ]);
    expect(sapOdata.parseLookup({ status: 200, headers: {}, body: { d: {} } }, 'x')).toBeUndefined();
  });

  it('maps OData error targets back to the input fields', () => {
    expect(sapFieldToProject('to_PurchaseOrderItem(1)/OrderQuantity')).toBe('lineItems.1.quantity');
    expect(sapFieldToProject('to_PurchaseOrderItem(0)/Plant')).toBe('lineItems.0.siteKey');
    expect(sapFieldToProject('Supplier')).toBe('vendorKey');
    expect(sapFieldToProject('CorrespncExternalReference')).toBe('idempotencyKey');
  });

  it('SAP’s 400 is a refusal naming the fields; a stale CSRF token (403) is not written and is tried again', () => {
    const req = sapOdata.createPurchaseOrder(input);
    const body = {
      error: {
        code: 'ME/062',
        message: { lang: 'en', value: 'Material mat-9 does not exist' },
        innererror: {
          errordetails: [
            { code: 'ME/062', message: 'Material mat-9 does not exist', target: 'to_PurchaseOrderItem(1)/Material', severity: 'error' },
          ],
        },
      },
    };
    expect(innerFailure(sapOdata, req, { status: 400, headers: {}, body }, meta)!.info).toMatchObject({
      type: MakiniFailureType.rejected,
      ambiguous: false,
      retryable: false,
      fields: ['lineItems.1.materialKey'],
    });
    expect(
      innerFailure(sapOdata, req, { status: 403, headers: { 'x-csrf-token': 'Required' }, body: 'CSRF token validation failed' }, meta)!
        .info,
    ).toMatchObject({
      type: MakiniFailureType.rejected,
      code: 'CSRF_TOKEN_VALIDATION_FAILED',
      ambiguous: false,
      retryable: true,
    });
  });
});
