// Admin endpoints: seed and inspect connections, script faults, limits and chaos. Loopback only:
// they bypass auth, so the sandbox refuses them from any other address even if bound to one.
import type { z } from 'zod';
import {
  ADMIN_PREFIX,
  behaviourPatchSchema,
  chaosBodySchema,
  faultsBodySchema,
  rateLimitBodySchema,
  reauthorizeBodySchema,
  referenceBodySchema,
  type SandboxState,
} from './admin-api.js';
import { problemsOf, SandboxHttpError, validationFailed } from './errors.js';
import { oauthSetupSchema, SandboxOAuth } from './oauth.js';
import { ConnectionExistsError, connectionSeedSchema, type Registry, type SandboxConnection } from './registry.js';
import { sendError, sendJson, type Exchange } from './respond.js';

export const isAdminPath = (path: string) => path === ADMIN_PREFIX || path.startsWith(`${ADMIN_PREFIX}/`);

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

const adminError = (status: number, code: string, message: string) => new SandboxHttpError(status, code, message);

function parse<S extends z.ZodType>(schema: S, text: string): z.output<S> {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch {
    throw validationFailed([{ field: '(body)', message: 'is not valid JSON' }]);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw validationFailed(problemsOf(parsed.error), 'Invalid admin request');
  return parsed.data;
}

export function stateOf(conn: SandboxConnection): SandboxState {
  const s = conn.store;
  return {
    connection: conn.summary(),
    purchaseOrders: [...s.purchaseOrders.values()],
    workOrders: [...s.workOrders.values()].map((w) => ({ ...w, materials: s.workOrderMaterials.get(w.key) ?? [] })),
    inventories: [...s.inventories.values()],
    materials: [...s.materials.values()],
    vendors: [...s.vendors.values()],
    sites: [...s.sites.values()],
    behaviour: { ...conn.behaviour },
    writes: s.counters,
    pendingFaults: conn.faults.pending(),
  };
}

const CONNECTION_ROUTE =
  /^\/_admin\/connections\/([^/]+)\/(reauthorize|require-reauthorization|rate-limit|faults|faults\/clear|reference|behaviour|state|requests|in-flight|oauth|oauth\/expire)$/;
const CHAOS_ROUTE = /^\/_admin\/chaos\/([^/]+)$/;

export function handleAdmin(registry: Registry, x: Exchange, method: string, url: URL, body: string): void {
  try {
    if (!LOOPBACK.test(x.req.socket.remoteAddress ?? ''))
      throw adminError(403, 'ADMIN_LOOPBACK_ONLY', 'The sandbox admin API answers loopback clients only');
    sendJson(x, 200, { data: route(registry, method, url.pathname, body) });
  } catch (err) {
    if (err instanceof SandboxHttpError) {
      sendError(x, err);
      return;
    }
    throw err;
  }
}

function route(registry: Registry, method: string, path: string, body: string): unknown {
  const key = `${method} ${path}`;
  if (key === `GET ${ADMIN_PREFIX}/connections`) return registry.all().map((c) => c.summary());
  if (key === `POST ${ADMIN_PREFIX}/connections`) {
    try {
      return registry.add(parse(connectionSeedSchema, body)).summary();
    } catch (err) {
      if (err instanceof ConnectionExistsError) throw adminError(409, 'CONNECTION_EXISTS', err.message);
      throw err;
    }
  }
  if (key === `POST ${ADMIN_PREFIX}/reset`) {
    registry.reset();
    return { reset: true };
  }
  const chaos = CHAOS_ROUTE.exec(path);
  if (chaos && method === 'PUT') {
    const target = decodeURIComponent(chaos[1]!);
    const { chaos: config } = parse(chaosBodySchema, body);
    registry.setChaos(target === '*' ? '*' : connection(registry, target), config);
    return { target, chaos: config };
  }
  const m = CONNECTION_ROUTE.exec(path);
  if (!m) throw adminError(404, 'NOT_FOUND', `no admin endpoint ${method} ${path}`);
  const conn = connection(registry, decodeURIComponent(m[1]!));
  const action = `${method} ${m[2]}`;
  switch (action) {
    case 'POST reauthorize': {
      const { token } = parse(reauthorizeBodySchema, body);
      if (token !== undefined && !registry.tokenFree(token, conn))
        throw adminError(409, 'TOKEN_IN_USE', 'another connection has this token');
      if (token !== undefined) conn.token = token;
      conn.needsReauthorization = false;
      return conn.summary();
    }
    case 'POST require-reauthorization':
      conn.needsReauthorization = true;
      return conn.summary();
    case 'PUT rate-limit':
      conn.limiter.setLimit(parse(rateLimitBodySchema, body).writesPerMinute);
      return conn.summary();
    case 'POST faults':
      conn.faults.push(parse(faultsBodySchema, body).faults);
      return conn.faults.pending();
    case 'GET faults':
      return conn.faults.pending();
    case 'POST faults/clear':
      conn.faults.clear();
      return conn.faults.pending();
    case 'POST reference':
      return addReference(conn, parse(referenceBodySchema, body));
    case 'GET behaviour':
      return conn.behaviour;
    case 'PUT behaviour':
      conn.behaviour = { ...conn.behaviour, ...parse(behaviourPatchSchema, body) };
      return conn.behaviour;
    case 'GET state':
      return stateOf(conn);
    case 'GET requests':
      return conn.log;
    case 'GET in-flight':
      return [...conn.inFlight.values()];
    case 'POST oauth': {
      // Turns OAuth on (or changes its lifetimes) and hands out an authorization code.
      const setup = parse(oauthSetupSchema, body);
      if (conn.oauth) conn.oauth.setup = setup;
      else conn.oauth = new SandboxOAuth(setup);
      return { code: conn.oauth.newCode() };
    }
    case 'GET oauth':
      return conn.oauth?.state ?? null;
    case 'POST oauth/expire':
      conn.oauth?.expireAll(Date.now());
      return conn.oauth?.state ?? null;
    default:
      throw adminError(405, 'METHOD_NOT_ALLOWED', `no admin endpoint ${method} ${path}`);
  }
}

function connection(registry: Registry, id: string): SandboxConnection {
  const conn = registry.get(id);
  if (!conn) throw adminError(404, 'NOT_FOUND', `no connection "${id}" in the sandbox`);
  return conn;
}

function addReference(conn: SandboxConnection, data: z.output<typeof referenceBodySchema>) {
  const s = conn.store;
  const now = new Date().toISOString();
  for (const v of data.vendors) {
    const key = v.key ?? s.keys.next();
    s.vendors.set(key, { key, code: v.code, name: v.name, createdAt: now, updatedAt: now });
  }
  for (const site of data.sites) {
    const key = site.key ?? s.keys.next();
    s.sites.set(key, { key, code: site.code, name: site.name, description: '', createdAt: now, updatedAt: now });
  }
  for (const m of data.materials) {
    const inventoryKey = m.inventoryKey ?? `inv-${m.key}`;
    const code = m.code ?? `M-${m.key}`;
    s.materials.set(m.key, { key: m.key, code, name: m.name, partNumber: code, uomKey: 'EA', isActive: true, inventoryKey });
    s.inventories.set(inventoryKey, {
      key: inventoryKey,
      code,
      name: m.name,
      quantity: m.quantity,
      unitCost: 0,
      locationKey: 'WH-1',
      createdAt: now,
      updatedAt: now,
    });
  }
  return { vendors: [...s.vendors.values()], sites: [...s.sites.values()], materials: [...s.materials.values()] };
}
