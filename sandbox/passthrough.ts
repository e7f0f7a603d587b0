// `POST /api/passthrough` [spec: oas3_system.json]: one request to the connected system's own API.
// Makini's answer wraps the system's: `{ data: { status, headers, body } }` (the client's
// [assumed] envelope, MakiniPassthrough in src/makini/workflow/contract.ts). A malformed passthrough body is
// Makini's own 400; whatever the system answers (a refusal included) is a 200 around its answer.
// Systems with a native stand-in: NetSuite (native-netsuite.ts), SAP S/4HANA (native-sap.ts),
// Dynamics 365 F&O (native-dynamics.ts).
import { MakiniPassthrough, MakiniPath } from '../src/makini/workflow/contract.js';
import { validationFailed } from './errors.js';
import type { HandlerContext, HandlerResult } from './handler.js';
import { netsuiteNative, type NativeRequest, type NativeResult } from './native-netsuite.js';
import { sapNative } from './native-sap.js';
import { dynamicsNative } from './native-dynamics.js';

const NATIVE: Readonly<Record<string, (ctx: HandlerContext, req: NativeRequest) => NativeResult>> = {
  netsuite: netsuiteNative,
  sap: sapNative,
  dynamics: dynamicsNative,
};

const obj = (v: unknown): Record<string, unknown> | undefined =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;

/** The inner request of a passthrough body, or the problems that make it Makini's 400. */
export function nativeRequestOf(body: unknown): { req?: NativeRequest; problems: { field: string; message: string }[] } {
  const b = obj(body) ?? {};
  const problems: { field: string; message: string }[] = [];
  if (typeof b.path !== 'string' || b.path === '')
    problems.push({ field: 'path', message: 'is required (the path of the system endpoint)' });
  const method = typeof b.method === 'string' ? b.method.toLowerCase() : undefined;
  if (!method || !(MakiniPassthrough.methods as readonly string[]).includes(method)) {
    problems.push({ field: 'method', message: `must be one of ${MakiniPassthrough.methods.join(', ')}` });
  }
  const strings = (o: Record<string, unknown>, lower: boolean) =>
    Object.fromEntries(Object.entries(o).map(([k, v]) => [lower ? k.toLowerCase() : k, String(v)]));
  if (problems.length) return { problems };
  return {
    req: {
      path: String(b.path),
      method: method!,
      headers: strings(obj(b.headers) ?? {}, true),
      query: strings(obj(b.query) ?? {}, false),
      body: b.body,
    },
    problems,
  };
}

/**
 * How fault scripts name a passthrough call: by its inner request too, under Makini's path
 * (`/api/passthrough/post/record/v1/...`), so a script can aim at one native method and path;
 * a pathPrefix of `/api/passthrough` still matches every one.
 */
export const passthroughFaultPrefix = (innerMethod: string) => `${MakiniPath.passthrough()}/${innerMethod.toLowerCase()}/`;

/** The fault-script path of a passthrough call's inner request (`nativeRequestOf`). */
export const passthroughFaultPath = (inner: Pick<NativeRequest, 'method' | 'path'>) =>
  `${passthroughFaultPrefix(inner.method)}${inner.path.replace(/^\/+/, '')}`;

export function passthrough(ctx: HandlerContext): HandlerResult {
  const { req, problems } = nativeRequestOf(ctx.body);
  if (!req) throw validationFailed(problems, 'The passthrough request is invalid');
  const native = NATIVE[ctx.system.provider];
  if (!native) {
    throw validationFailed([{ field: 'path', message: `the sandbox has no stand-in for ${ctx.system.displayName}'s own API` }]);
  }
  const answer = native(ctx, req);
  return { status: 200, body: { data: { status: answer.status, headers: answer.headers, body: answer.body } }, applied: answer.applied };
}
