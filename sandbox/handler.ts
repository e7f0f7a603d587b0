// What a route handler gets and gives back. Handlers are synchronous: a write validates fully,
// then mutates, with no await in between, so a refused write leaves nothing behind.
import type { ConnectionBehaviour } from './behaviour.js';
import { listPage } from './listing.js';
import type { ConnectionStore } from './store.js';
import type { SystemBehaviour } from './systems.js';

export interface HandlerContext {
  connectionId: string;
  store: ConnectionStore;
  system: SystemBehaviour;
  /** The connection's switches for what Makini leaves open (reference field, list matching, pages). */
  behaviour: ConnectionBehaviour;
  /** Decoded path parameters, in path order. */
  params: string[];
  query: URLSearchParams;
  body: unknown;
  /** Absolute URL of the endpoint without query, for pagination links. */
  endpointUrl: string;
  now: Date;
}

export interface HandlerResult {
  status: number;
  body: unknown;
  /** True when the request changed state (shown in the request log and counters). */
  applied: boolean;
}

export type Handler = (ctx: HandlerContext) => HandlerResult;

export const read = (data: unknown): HandlerResult => ({ status: 200, body: { data }, applied: false });
export const wrote = (data: unknown): HandlerResult => ({ status: 200, body: { data }, applied: true });

/** A list answer, filtered, sorted and paged as this connection's system does. */
export const listed = (ctx: HandlerContext, items: readonly object[]): HandlerResult => ({
  status: 200,
  body: listPage(items, ctx.query, ctx.endpointUrl, ctx.behaviour),
  applied: false,
});

/** The first path parameter (every keyed route has one). */
export const param = (ctx: HandlerContext, i = 0): string => ctx.params[i] ?? '';
