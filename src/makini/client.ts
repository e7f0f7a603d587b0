// Typed calls to the Makini API for the writes this project makes. Used only by activities.
// Resolves the connection's token per call; never retries (retries belong to the workflows).
import { z } from 'zod';
import {
  envelope,
  integrationSchema,
  inventorySchema,
  listEnvelope,
  materialSchema,
  numericValue,
  passthroughAnswerSchema,
  poLineItemSchema,
  purchaseOrderSchema,
  statusSchema,
  vendorSchema,
  workOrderMaterialSchema,
  workOrderSchema,
} from './workflow/entities.js';
import { MakiniFailureType } from '../failures/workflow/failure-types.js';
import { MAKINI_MAX_LIST_PAGES, MAKINI_MAX_PER_PAGE, MakiniPassthrough, MakiniPath, MakiniQuery } from './workflow/contract.js';
import type { Secret } from '../observability/secret.js';
import { TokenUnavailableError, UnknownConnectionError, type TokenSource } from './tokens.js';
import { MakiniError, makiniErrorFrom } from './errors.js';
import { makiniRequest, type CallMeta, type HttpRequest, type MakiniResult } from './http.js';

export interface MakiniClientOptions {
  baseUrl: string;
  tokenSource: TokenSource;
  timeoutMs: number;
  fetch?: typeof fetch;
}

type Body = Record<string, unknown>;

/** The body of `POST /api/passthrough` [spec: oas3_system.json]: one request to the system's own API. */
export interface PassthroughRequest {
  path: string;
  method: (typeof MakiniPassthrough.methods)[number];
  headers?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
}

/** One list filter: `filter[field]=value`, or `filter[field:contains]=value` [spec]. */
export interface ListFilter {
  field: string;
  value: string;
  op?: 'contains';
}

/** Every record of a list, read page by page; `pages` holds each page's call meta (request ids). */
export interface MakiniListResult<T> extends MakiniResult<{ data: T[] }> {
  pages: CallMeta[];
}

/** The Makini client; one instance per worker, shared by all activities. */
export class MakiniClient {
  constructor(private readonly opts: MakiniClientOptions) {}

  private async token(connectionId: string): Promise<Secret> {
    try {
      return await this.opts.tokenSource.tokenFor(connectionId);
    } catch (err) {
      if (err instanceof UnknownConnectionError || err instanceof TokenUnavailableError) {
        throw makiniErrorFrom({ type: MakiniFailureType.connectionConfig, message: err.message, retryable: false, ambiguous: false });
      }
      // Any other token source failing (a vault client, a token endpoint): its error text may hold
      // a secret and would reach history and logs, so only that it failed is said. Nothing was sent.
      throw makiniErrorFrom({
        type: MakiniFailureType.connectionConfig,
        message: `no token for connection "${connectionId}": the token source failed (its error is not shown: it may contain secrets)`,
        retryable: false,
        ambiguous: false,
      });
    }
  }

  private async call<S extends z.ZodType>(
    connectionId: string,
    req: Omit<HttpRequest, 'token'>,
    schema: S,
  ): Promise<MakiniResult<z.infer<S>>> {
    const token = await this.token(connectionId);
    try {
      return await makiniRequest(this.opts, { ...req, token }, schema);
    } catch (err) {
      // A 401 with a token the worker refreshes itself: the write refreshes before it waits for a person.
      if (
        err instanceof MakiniError &&
        err.info.type === MakiniFailureType.authentication &&
        this.opts.tokenSource.refreshable?.(connectionId)
      ) {
        throw makiniErrorFrom({ ...err.info, tokenRefreshable: true });
      }
      throw err;
    }
  }

  /**
   * Reads every page of a list by following what each answer names (see "Pagination" in
   * contract.ts): `links.next`, else `next_cursor` sent back as `cursor`, else the next page number
   * while `meta.current_page < meta.last_page`. A `links.next` is followed only on the base URL's
   * origin, so the token never goes to a host an answer names.
   */
  private async listAll<S extends z.ZodType>(
    connectionId: string,
    path: string,
    filters: Record<string, string> | ListFilter[],
    item: S,
  ): Promise<MakiniListResult<z.infer<S>>> {
    const items: z.infer<S>[] = [];
    const pages: CallMeta[] = [];
    const first = toQuery(filters, MAKINI_MAX_PER_PAGE);
    let next: { path: string; query: URLSearchParams } | undefined = { path, query: first };
    const asked = new Set<string>();
    while (next) {
      asked.add(`${next.path}?${next.query.toString()}`);
      const res = await this.call(connectionId, { method: 'GET', path: next.path, query: next.query }, listEnvelope(item));
      pages.push(res.meta);
      items.push(...res.data.data);
      next = this.nextPage(path, first, res.data, res.meta);
      if (!next) return { data: { data: items }, meta: res.meta, pages };
      if (asked.has(`${next.path}?${next.query.toString()}`)) {
        throw listRefused(path, res.meta, `names as its next page one already read (page ${pages.length} points back)`);
      }
      if (pages.length >= MAKINI_MAX_LIST_PAGES) {
        throw listRefused(path, res.meta, `still names a next page after ${MAKINI_MAX_LIST_PAGES} pages of up to ${MAKINI_MAX_PER_PAGE}`);
      }
    }
    return { data: { data: items }, meta: pages.at(-1)!, pages };
  }

  /** The request of the page after `body`, or undefined when it names none (contract.ts, "Pagination"). */
  private nextPage(
    path: string,
    first: URLSearchParams,
    body: {
      links?: { next?: string } | null;
      meta?: { next_cursor?: string; current_page?: unknown; last_page?: unknown } | null;
      next_cursor?: string;
    },
    meta: CallMeta,
  ): { path: string; query: URLSearchParams } | undefined {
    const link = body.links?.next;
    if (link) {
      const base = new URL(this.opts.baseUrl);
      let url: URL;
      try {
        url = new URL(link, new URL(meta.path, base));
      } catch {
        url = new URL('invalid:');
      }
      if (url.origin !== base.origin) {
        // Never the link itself: its query may carry anything; its origin says what was refused.
        const where = url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : 'a URL that is not http(s)';
        throw listRefused(
          path,
          meta,
          `names its next page on ${where}, not on ${base.origin} (the configured Makini base URL): ` +
            "not followed, so that the connection's token goes nowhere else",
        );
      }
      return { path: url.pathname, query: url.searchParams };
    }
    const cursor = body.meta?.next_cursor ?? body.next_cursor;
    if (cursor) {
      const query = new URLSearchParams(first);
      query.set(MakiniQuery.cursor, cursor);
      return { path, query };
    }
    const current = numericValue(body.meta?.current_page);
    const last = numericValue(body.meta?.last_page);
    if (current !== undefined && last !== undefined && current < last) {
      const query = new URLSearchParams(first);
      query.set(MakiniQuery.page, String(current + 1));
      return { path, query };
    }
    return undefined;
  }

  /** Which system the connection is (`data.provider`). */
  getIntegration(connectionId: string) {
    return this.call(connectionId, { method: 'GET', path: MakiniPath.integrationCurrent() }, envelope(integrationSchema));
  }

  getPurchaseOrder(connectionId: string, key: string) {
    return this.call(connectionId, { method: 'GET', path: MakiniPath.purchaseOrder(key) }, envelope(purchaseOrderSchema));
  }

  /**
   * Every PO matching `filter[field]=value` filters, all pages. What a filter matches is the
   * system's business (exact, case-insensitive, substring): callers compare the values themselves.
   */
  findPurchaseOrders(connectionId: string, filters: Record<string, string>) {
    return this.listAll(connectionId, MakiniPath.purchaseOrders(), filters, purchaseOrderSchema);
  }

  createPurchaseOrder(connectionId: string, body: Body) {
    return this.call(connectionId, { method: 'POST', path: MakiniPath.purchaseOrders(), body }, envelope(purchaseOrderSchema));
  }

  updatePurchaseOrder(connectionId: string, key: string, changes: Body) {
    return this.call(connectionId, { method: 'PUT', path: MakiniPath.purchaseOrder(key), body: changes }, envelope(purchaseOrderSchema));
  }

  setPurchaseOrderStatus(connectionId: string, key: string, status: string) {
    return this.call(
      connectionId,
      { method: 'PUT', path: MakiniPath.purchaseOrderStatus(key), body: { status } },
      envelope(purchaseOrderSchema),
    );
  }

  addPurchaseOrderLine(connectionId: string, key: string, line: Body) {
    return this.call(
      connectionId,
      { method: 'POST', path: MakiniPath.purchaseOrderLineItemsOf(key), body: line },
      envelope(poLineItemSchema),
    );
  }

  /** Every line of a PO, all pages (a PO may have more lines than one page holds). */
  listPurchaseOrderLines(connectionId: string, purchaseOrderKey: string) {
    return this.listAll(connectionId, MakiniPath.purchaseOrderLineItems(), { purchaseOrderKey }, poLineItemSchema);
  }

  getWorkOrder(connectionId: string, key: string) {
    return this.call(connectionId, { method: 'GET', path: MakiniPath.workOrder(key) }, envelope(workOrderSchema));
  }

  /** Every work order matching the filters, all pages (idempotency lookups). */
  findWorkOrders(connectionId: string, filters: ListFilter[]) {
    return this.listAll(connectionId, MakiniPath.workOrders(), filters, workOrderSchema);
  }

  createWorkOrder(connectionId: string, body: Body) {
    return this.call(connectionId, { method: 'POST', path: MakiniPath.workOrders(), body }, envelope(workOrderSchema));
  }

  updateWorkOrder(connectionId: string, key: string, changes: Body) {
    return this.call(connectionId, { method: 'PUT', path: MakiniPath.workOrder(key), body: changes }, envelope(workOrderSchema));
  }

  setWorkOrderStatus(connectionId: string, key: string, statusKey: string) {
    return this.call(
      connectionId,
      { method: 'PUT', path: MakiniPath.workOrderStatus(key), body: { statusKey } },
      envelope(workOrderSchema),
    );
  }

  /** Every material on a work order, all pages. */
  listWorkOrderMaterials(connectionId: string, key: string) {
    return this.listAll(connectionId, MakiniPath.workOrderMaterials(key), {}, workOrderMaterialSchema);
  }

  /** POST one material `{materialKey, requiredQuantity, usedQuantity?, storeroomKey?}` [spec]. */
  addWorkOrderMaterial(connectionId: string, key: string, material: Body) {
    return this.call(
      connectionId,
      { method: 'POST', path: MakiniPath.workOrderMaterials(key), body: material },
      envelope(workOrderMaterialSchema),
    );
  }

  updateWorkOrderMaterial(connectionId: string, key: string, materialKey: string, changes: Body) {
    return this.call(
      connectionId,
      { method: 'PUT', path: MakiniPath.workOrderMaterial(key, materialKey), body: changes },
      envelope(workOrderMaterialSchema),
    );
  }

  getInventory(connectionId: string, key: string) {
    return this.call(connectionId, { method: 'GET', path: MakiniPath.inventory(key) }, envelope(inventorySchema));
  }

  updateInventory(connectionId: string, key: string, changes: Body) {
    return this.call(connectionId, { method: 'PUT', path: MakiniPath.inventory(key), body: changes }, envelope(inventorySchema));
  }

  /** A material with its inventory records (`data.inventories`). */
  getMaterial(connectionId: string, materialKey: string) {
    return this.call(connectionId, { method: 'GET', path: MakiniPath.material(materialKey) }, envelope(materialSchema));
  }

  updateMaterialInventory(connectionId: string, materialKey: string, changes: Body) {
    return this.call(
      connectionId,
      { method: 'PUT', path: MakiniPath.materialInventory(materialKey), body: changes },
      envelope(inventorySchema),
    );
  }

  /** A vendor by its Makini key; `undefined` when Makini answers 404 (no such vendor). */
  async getVendor(
    connectionId: string,
    key: string,
  ): Promise<MakiniResult<{ data: z.infer<typeof vendorSchema> }> | { data: undefined; meta: CallMeta }> {
    try {
      return await this.call(connectionId, { method: 'GET', path: MakiniPath.vendor(key) }, envelope(vendorSchema));
    } catch (err) {
      if (err instanceof MakiniError && err.info.status === 404 && err.info.type === MakiniFailureType.rejected) {
        return {
          data: undefined,
          meta: { method: 'GET', path: MakiniPath.vendor(key), status: 404, requestId: err.info.requestId, durationMs: 0 },
        };
      }
      throw err;
    }
  }

  /**
   * Vendors whose `code` (the system's vendor number, not Makini's key) matches, all pages; only
   * for fields that hold a code. The filter may match loosely: callers compare codes themselves.
   */
  findVendorsByCode(connectionId: string, code: string) {
    return this.listAll(connectionId, MakiniPath.vendors(), { code }, vendorSchema);
  }

  /**
   * One request to the connected system's own API through Makini (`POST /api/passthrough`): the
   * system's answer (status, headers, body) when Makini answered 2xx; Makini's own failures are
   * classified like any other call. The system's status is the caller's to judge (a dialect).
   */
  passthrough(connectionId: string, request: PassthroughRequest) {
    return this.call(connectionId, { method: 'POST', path: MakiniPath.passthrough(), body: request }, envelope(passthroughAnswerSchema));
  }

  /** Every status of an entity, all pages (the list is paged like any other [spec]). */
  listStatuses(connectionId: string, entity: 'purchase-orders' | 'work-orders') {
    return this.listAll(connectionId, MakiniPath.statuses(entity), {}, statusSchema);
  }
}

/** A list answer this client will not read further (`MakiniMalformedResponse`, not worth repeating). */
function listRefused(path: string, meta: CallMeta, why: string): MakiniError {
  return makiniErrorFrom({
    type: MakiniFailureType.malformedResponse,
    status: meta.status,
    retryable: false,
    ambiguous: false,
    message: `GET ${path} ${why}; refusing to read further`,
    requestId: meta.requestId,
    method: 'GET',
    path,
  });
}

/** `per_page` and the filters; no page number: the first page is the default of both pagination styles. */
function toQuery(filters: Record<string, string> | ListFilter[], perPage: number): URLSearchParams {
  const q = new URLSearchParams({ [MakiniQuery.perPage]: String(perPage) });
  const list: ListFilter[] = Array.isArray(filters) ? filters : Object.entries(filters).map(([field, value]) => ({ field, value }));
  for (const f of list) q.set(MakiniQuery.filter(f.field, f.op), f.value);
  return q;
}
