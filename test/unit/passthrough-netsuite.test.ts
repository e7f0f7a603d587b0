// The NetSuite dialect and the one judgement of a passthrough answer: what a caller relies on is
// that a native refusal names the input's field and is "not written", and that everything else
// that is not a 2xx may have landed (the outcome model of src/makini/outcome.ts).
import { describe, expect, it } from 'vitest';
import { MakiniFailureType } from '../../src/failures/workflow/failure-types.js';
import { netsuiteFieldToProject, netsuitePurchaseOrderBody, netsuiteRest } from '../../src/makini/passthrough/netsuite-rest.js';
import { innerFailure } from '../../src/makini/passthrough/judge.js';
import type { CallMeta } from '../../src/makini/http.js';

const meta: CallMeta = { method: 'POST', path: '/api/passthrough', status: 200, requestId: 'req_1', durationMs: 3 };
const input = {
  reference: 'order-4711',
  header: { vendorKey: 'V-100', siteKey: '1000', orderDate: '2026-12-01', title: 'pumps', customFields: { custbody_project: 'P-7' } },
  lines: [
    { lineNo: 1, materialKey: 'mat-1', quantity: 2, price: 4.5, name: 'seal' },
    { lineNo: 2, materialKey: 'mat-2', quantity: 1, price: 10 },
  ],
};
const nsError = (status: number, details: object[]) => ({ type: 'https://…', title: 'Bad Request', status, 'o:errorDetails': details });

describe('netsuite-rest dialect', () => {
  it('creates with ONE upsert by external id, header and item sublist together, replacing the sublist on a repeat', () => {
    const req = netsuiteRest.createPurchaseOrder(input);
    expect(req).toMatchObject({ path: 'record/v1/purchaseOrder/eid:order-4711', method: 'put', query: { replace: 'item' } });
    expect(netsuitePurchaseOrderBody(input)).toEqual({
      entity: { id: 'V-100' },
      location: { id: '1000' },
      tranDate: '2026-12-01',
      memo: 'pumps',
      custbody_project: 'P-7',
      externalId: 'order-4711',
      item: {
        items: [
          { line: 1, item: { id: 'mat-1' }, quantity: 2, rate: 4.5, description: 'seal' },
          { line: 2, item: { id: 'mat-2' }, quantity: 1, rate: 10 },
        ],
      },
    });
  });

  it('maps NetSuite error paths back to the input fields', () => {
    expect(netsuiteFieldToProject('item.items[1].quantity')).toBe('lineItems.1.quantity');
    expect(netsuiteFieldToProject('item.items[0].item')).toBe('lineItems.0.materialKey');
    expect(netsuiteFieldToProject('entity')).toBe('vendorKey');
    expect(netsuiteFieldToProject('custbody_project')).toBe('custbody_project');
  });

  it('reads a lookup: the record with its lines, a 404 with NetSuite’s error body as none, anything else as unreadable', () => {
    const record = {
      id: '812',
      externalId: 'order-4711',
      status: { id: 'B', refName: 'Pending Receipt' },
      entity: { id: 'V-100' },
      item: {
        items: [
          { line: 1, item: { id: 'mat-1' } },
          { line: 2, item: { id: 'mat-2' } },
        ],
      },
    };
    const found = netsuiteRest.parseLookup({ status: 200, headers: {}, body: record }, 'order-4711');
    expect(found).toEqual([
      {
        key: '812',
        status: 'Pending Receipt',
        reference: 'order-4711',
        fields: { vendorKey: 'V-100' },
        lines: [
          { key: '812/1', lineNo: 1 },
          { key: '812/2', lineNo: 2 },
        ],
      },
    ]);
    expect(netsuiteRest.parseLookup({ status: 200, headers: {}, body: record }, 'order-4712')).toEqual([]);
    expect(
      netsuiteRest.parseLookup(
        { status: 404, headers: {}, body: nsError(404, [{ detail: 'none', 'o:errorCode': 'NONEXISTENT_ID' }]) },
        'x',
      ),
    ).toEqual([]);
    expect(netsuiteRest.parseLookup({ status: 404, headers: {}, body: '<html>' }, 'x')).toBeUndefined();
    expect(netsuiteRest.parseLookup({ status: 200, headers: {}, body: { nokey: true } }, 'x')).toBeUndefined();
  });
});

describe('a passthrough answer judged by the outcome model', () => {
  const req = netsuiteRest.createPurchaseOrder(input);

  it('a 4xx with NetSuite’s error body is a refusal (not written) naming the input field and the native path', () => {
    const body = nsError(400, [
      { detail: 'Invalid Field Value 0 for quantity', 'o:errorCode': 'INVALID_CONTENT', 'o:errorPath': 'item.items[1].quantity' },
    ]);
    const err = innerFailure(netsuiteRest, req, { status: 400, headers: {}, body }, meta)!;
    expect(err.info).toMatchObject({
      type: MakiniFailureType.rejected,
      status: 400,
      code: 'INVALID_CONTENT',
      ambiguous: false,
      retryable: false,
      fields: ['lineItems.1.quantity'],
      requestId: 'req_1',
    });
    expect(err.info.message).toMatch(/lineItems\.1\.quantity \(item\.items\[1\]\.quantity\): Invalid Field Value/);
  });

  it('an inner 5xx, or a 4xx without the system’s error body, may have landed', () => {
    const five = innerFailure(
      netsuiteRest,
      req,
      { status: 500, headers: {}, body: nsError(500, [{ detail: 'boom', 'o:errorCode': 'UNEXPECTED_ERROR' }]) },
      meta,
    )!;
    expect(five.info).toMatchObject({ type: MakiniFailureType.serverError, ambiguous: true, retryable: true });
    const opaque = innerFailure(netsuiteRest, req, { status: 400, headers: {}, body: '<html>bad gateway</html>' }, meta)!;
    expect(opaque.info).toMatchObject({ ambiguous: true });
  });

  it('an inner 429 (NetSuite’s concurrency limit) is not written and carries its Retry-After', () => {
    const limited = innerFailure(
      netsuiteRest,
      req,
      {
        status: 429,
        headers: { 'retry-after': '3' },
        body: nsError(429, [{ detail: 'Concurrent request limit exceeded', 'o:errorCode': 'CONCURRENCY_LIMIT_EXCEEDED' }]),
      },
      meta,
    )!;
    expect(limited.info).toMatchObject({ type: MakiniFailureType.rateLimited, ambiguous: false, retryAfterMs: 3000 });
  });

  it('a 2xx is no failure', () => {
    expect(
      innerFailure(netsuiteRest, req, { status: 204, headers: { location: 'record/v1/purchaseOrder/812' }, body: null }, meta),
    ).toBeUndefined();
  });
});
