// Typed calls to the Makini API for the writes this project makes. Used only by activities.
// Resolves the connection's token per call; never retries (retries belong to the workflows).
import { z } from 'zod';
import {
  envelope, integrationSchema, inventorySchema, listEnvelope, poLineItemSchema, purchaseOrderSchema,
  statusSchema, vendorSchema, workOrderMaterialSchema, workOrderSchema,
} from '../domain/makini-entities.js';
import { MakiniFailureType } from '../domain/failures.js';
import { MakiniPath, MakiniQuery } from '../domain/makini-contract.js';
import type { Secret } from '../config/secret.js';
import { TokenUnavailableError, UnknownConnectionError, type TokenSource } from '../config/token-source.js';
import { makiniErrorFrom } from './errors.js';
import { makiniRequest, type HttpRequest, type MakiniResult } from './http.js';

export interface MakiniClientOptions {
  baseUrl: string;
  tokenSource: TokenSource;
  timeoutMs: number;
  fetch?: typeof fetch;
}

type Body = Record<string, unknown>;

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
      throw err;
    }
  }

  private async call<S extends z.ZodType>(connectionId: string, req: Omit<HttpRequest, 'token'>, schema: S): Promise<MakiniResult<z.infer<S>>> {
    const token = await this.token(connectionId);
    return makiniRequest(this.opts, { ...req, token }, schema);
  }

  /** Which system the connection is (`data.provider`). */
  getIntegration(connectionId: string) {
    return this.call(connectionId, { method: 'GET', path: MakiniPath.integrationCurrent() }, envelope(integrationSchema));
  }

  getPurchaseOrder(connectionId: string, key: string) {
    return this.call(connectionId, { method: 'GET', path: MakiniPath.purchaseOrder(key) }, envelope(purchaseOrderSchema));
  }

  /** Lists POs with `filter[field]=value` filters (exact match). */
  listPurchaseOrders(connectionId: string, filters: Record<string, string>, page = 1, perPage = 50) {
    return this.call(connectionId, { method: 'GET', path: MakiniPath.purchaseOrders(), query: toQuery(filters, page, perPage) },
      listEnvelope(purchaseOrderSchema));
  }

  createPurchaseOrder(connectionId: string, body: Body) {
    return this.call(connectionId, { method: 'POST', path: MakiniPath.purchaseOrders(), body }, envelope(purchaseOrderSchema));
  }

  updatePurchaseOrder(connectionId: string, key: string, changes: Body) {
    return this.call(connectionId, { method: 'PUT', path: MakiniPath.purchaseOrder(key), body: changes }, envelope(purchaseOrderSchema));
  }

  setPurchaseOrderStatus(connectionId: string, key: string, status: string) {
    return this.call(connectionId, { method: 'PUT', path: MakiniPath.purchaseOrderStatus(key), body: { status } }, envelope(purchaseOrderSchema));
  }

  addPurchaseOrderLine(connectionId: string, key: string, line: Body) {
    return this.call(connectionId, { method: 'POST', path: MakiniPath.purchaseOrderLineItemsOf(key), body: line }, envelope(poLineItemSchema));
  }

  listPurchaseOrderLines(connectionId: string, purchaseOrderKey: string, page = 1, perPage = 200) {
    return this.call(connectionId, {
      method: 'GET', path: MakiniPath.purchaseOrderLineItems(), query: toQuery({ purchaseOrderKey }, page, perPage),
    }, listEnvelope(poLineItemSchema));
  }

  getWorkOrder(connectionId: string, key: string) {
    return this.call(connectionId, { method: 'GET', path: MakiniPath.workOrder(key) }, envelope(workOrderSchema));
  }

  listWorkOrders(connectionId: string, filters: Record<string, string>, page = 1, perPage = 50) {
    return this.call(connectionId, { method: 'GET', path: MakiniPath.workOrders(), query: toQuery(filters, page, perPage) },
      listEnvelope(workOrderSchema));
  }

  createWorkOrder(connectionId: string, body: Body) {
    return this.call(connectionId, { method: 'POST', path: MakiniPath.workOrders(), body }, envelope(workOrderSchema));
  }

  updateWorkOrder(connectionId: string, key: string, changes: Body) {
    return this.call(connectionId, { method: 'PUT', path: MakiniPath.workOrder(key), body: changes }, envelope(workOrderSchema));
  }

  setWorkOrderStatus(connectionId: string, key: string, statusKey: string) {
    return this.call(connectionId, { method: 'PUT', path: MakiniPath.workOrderStatus(key), body: { statusKey } }, envelope(workOrderSchema));
  }

  addWorkOrderMaterial(connectionId: string, key: string, material: { materialKey: string; quantity: number }) {
    return this.call(connectionId, { method: 'POST', path: MakiniPath.workOrderMaterials(key), body: material }, envelope(workOrderMaterialSchema));
  }

  updateWorkOrderMaterial(connectionId: string, key: string, materialKey: string, changes: { quantity: number }) {
    return this.call(connectionId, { method: 'PUT', path: MakiniPath.workOrderMaterial(key, materialKey), body: changes },
      envelope(workOrderMaterialSchema));
  }

  getInventory(connectionId: string, key: string) {
    return this.call(connectionId, { method: 'GET', path: MakiniPath.inventory(key) }, envelope(inventorySchema));
  }

  updateInventory(connectionId: string, key: string, changes: Body) {
    return this.call(connectionId, { method: 'PUT', path: MakiniPath.inventory(key), body: changes }, envelope(inventorySchema));
  }

  updateMaterialInventory(connectionId: string, materialKey: string, changes: Body) {
    return this.call(connectionId, { method: 'PUT', path: MakiniPath.materialInventory(materialKey), body: changes }, envelope(inventorySchema));
  }

  findVendorsByCode(connectionId: string, code: string) {
    return this.call(connectionId, { method: 'GET', path: MakiniPath.vendors(), query: toQuery({ code }, 1, 10) }, listEnvelope(vendorSchema));
  }

  listStatuses(connectionId: string, entity: 'purchase-orders' | 'work-orders') {
    return this.call(connectionId, { method: 'GET', path: MakiniPath.statuses(entity) }, z.object({ data: z.array(statusSchema) }));
  }
}

function toQuery(filters: Record<string, string>, page: number, perPage: number): Record<string, string | number> {
  const q: Record<string, string | number> = { [MakiniQuery.page]: page, [MakiniQuery.perPage]: perPage };
  for (const [field, value] of Object.entries(filters)) q[MakiniQuery.filter(field)] = value;
  return q;
}
