// The Dynamics $batch dialect: what a caller relies on is that the header and every line travel in
// one changeset (same bytes on every attempt), and that the batch's 200 is not taken for a success:
// the changeset's own error part is a refusal naming the failing line's field.
import { describe, expect, it } from 'vitest';
import { MakiniFailureType } from '../../src/failures/workflow/failure-types.js';
import { dynamicsBatch, dynamicsFieldToProject } from '../../src/makini/passthrough/dynamics-batch.js';
import { innerFailure } from '../../src/makini/passthrough/judge.js';
import { httpPart, multipart, parseHttpPart, partHeaders, splitParts } from '../../src/makini/passthrough/multipart.js';
import type { CallMeta } from '../../src/makini/http.js';

const meta: CallMeta = { method: 'POST', path: '/api/passthrough', status: 200, durationMs: 2 };
const input = {
  reference: 'PO-4711',
  header: { vendorKey: 'V-100', currencyKey: 'EUR', organizationKey: 'usmf' },
  lines: [
    { lineNo: 1, materialKey: 'mat-1', quantity: 2, price: 4.5 },
    { lineNo: 2, materialKey: 'mat-2', quantity: 1, price: 10 },
  ],
};
const JSON_PART = { 'Content-Type': 'application/json' };
const batchAnswer = (parts: string[]) => {
  const inner = `Content-Type: multipart/mixed; boundary=cs\r\n\r\n${multipart('cs', parts)}`;
  return { status: 200, headers: { 'content-type': 'multipart/mixed; boundary=br' }, body: multipart('br', [inner]) };
};

describe('dynamics-batch dialect', () => {
  it('sends the header (Content-ID 1) and each line in one changeset, the same bytes on every attempt', () => {
    const req = dynamicsBatch.createPurchaseOrder(input);
    expect(req).toMatchObject({
      path: 'data/$batch',
      method: 'post',
      headers: { 'Content-Type': 'multipart/mixed; boundary=batch_PO-4711' },
    });
    expect(dynamicsBatch.createPurchaseOrder(input)).toEqual(req);
    const [changeset] = splitParts(req.body as string, 'batch_PO-4711');
    const { rest } = partHeaders(changeset!);
    const ops = splitParts(rest, 'changeset_PO-4711').map(parseHttpPart);
    expect(ops.map((o) => [o.mime['content-id'], o.startLine])).toEqual([
      ['1', 'POST PurchaseOrderHeadersV2 HTTP/1.1'],
      ['2', 'POST PurchaseOrderLinesV2 HTTP/1.1'],
      ['3', 'POST PurchaseOrderLinesV2 HTTP/1.1'],
    ]);
    expect(JSON.parse(ops[0]!.body)).toEqual({
      OrderVendorAccountNumber: 'V-100',
      CurrencyCode: 'EUR',
      dataAreaId: 'usmf',
      PurchaseOrderNumber: 'PO-4711',
    });
    expect(JSON.parse(ops[2]!.body)).toEqual({
      LineNumber: 2,
      ItemNumber: 'mat-2',
      OrderedPurchaseQuantity: 1,
      PurchasePrice: 10,
      dataAreaId: 'usmf',
      PurchaseOrderNumber: 'PO-4711',
    });
  });

  it('a 200 batch whose changeset failed is the failing part’s refusal, naming the line by its Content-ID', () => {
    const error = {
      error: {
        code: '',
        message: 'An error has occurred.',
        details: [{ code: '', message: 'Item number mat-9 does not exist.', target: 'ItemNumber' }],
      },
    };
    const answer = dynamicsBatch.effectiveAnswer!(
      batchAnswer([httpPart('3', 'HTTP/1.1 400 Bad Request', JSON_PART, JSON.stringify(error))]),
    );
    expect(answer.status).toBe(400);
    const err = innerFailure(dynamicsBatch, dynamicsBatch.createPurchaseOrder(input), answer, meta)!;
    expect(err.info).toMatchObject({ type: MakiniFailureType.rejected, ambiguous: false, fields: ['lineItems.1.materialKey'] });
    expect(dynamicsFieldToProject('1', 'OrderVendorAccountNumber')).toBe('vendorKey');
  });

  it('a committed changeset reads back as the PO with its lines; a body that is no batch stays unreadable', () => {
    const answer = dynamicsBatch.effectiveAnswer!(
      batchAnswer([
        httpPart(
          '1',
          'HTTP/1.1 201 Created',
          JSON_PART,
          JSON.stringify({ PurchaseOrderNumber: 'PO-4711', OrderVendorAccountNumber: 'V-100' }),
        ),
        httpPart('2', 'HTTP/1.1 201 Created', JSON_PART, JSON.stringify({ PurchaseOrderNumber: 'PO-4711', LineNumber: 1 })),
      ]),
    );
    expect(dynamicsBatch.parseCreated(answer)).toMatchObject({ key: 'PO-4711', reference: 'PO-4711', lines: [{ lineNo: 1 }] });
    const garbled = dynamicsBatch.effectiveAnswer!({ status: 200, headers: {}, body: '<html>' });
    expect(dynamicsBatch.parseCreated(garbled)).toBeUndefined();
  });
});
