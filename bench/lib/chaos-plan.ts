// What a chaos run writes: chains of writes, the same for the same seed. A chain is what one record
// goes through, written one after the other by a busy service (the next write starts when the one
// before has finished): a purchase order created, updated, cancelled, then refused; a work order
// created, updated, given materials, moved to a status, then refused; an inventory record set to
// absolute values; an inventory record adjusted again and again. Chains run at the same time.
//
// Why chains, and one chain per record: the judge (chaos-judge.ts) must decide from what the sandbox
// holds and logged whether each write happened exactly once. With one writer per record at a time, every
// write the sandbox applied to a record falls in the time of exactly one write of its chain, so each
// applied request is attributed to one write, and a failed write is PROVEN not applied (nothing of
// it in the sandbox's log) instead of assumed. Concurrent adjustments of one record are the
// product's business too (compare-and-set, recompute), but they may end `WriteOutcomeUnknown` by
// design (docs/inventory-exactly-once.md), and then no judge can tell; the integration tests cover them.
//
// Every input uses KEYS (vendor V-100, site 1000, material mat-1, unit EA, inventory inv-…), which
// the sandbox makes differ from the codes of the same records.
import type { WriteInput, WriteType } from '../../src/client/index.js';
import type { PassthroughDialectName } from '../../src/makini/workflow/passthrough-dialects.js';
import { mulberry32 } from '../../sandbox/prng.js';

export interface ChaosConnection {
  id: string;
  system: string;
  token: string;
  /** Env var holding the token (named in the worker's connections file). */
  env: string;
  /**
   * The connection's PO creates go through Makini's passthrough in this dialect: a profile override
   * in the worker's connections file, as a user switches a connection (docs/passthrough-*.md). Its
   * other writes stay on the unified endpoints. Such a connection takes purchase-order chains only.
   */
  passthrough?: PassthroughDialectName;
}

const PASSTHROUGH_SYSTEM: Readonly<Record<PassthroughDialectName, string>> = {
  'sap-odata': 'sap',
  'netsuite-rest': 'netsuite',
  'dynamics-batch': 'dynamics',
};

export const CHAOS_CONNECTIONS: readonly ChaosConnection[] = [
  // Lines with the header (one request).
  { id: 'chaos-sap', system: 'sap', token: 'chaos-token-sap', env: 'MAKINI_TOKEN_CHAOS_SAP' },
  // Header first, then each line (compensated by cancelling the header).
  { id: 'chaos-dynamics', system: 'dynamics', token: 'chaos-token-dynamics', env: 'MAKINI_TOKEN_CHAOS_DYNAMICS' },
  // Lines with the header; no work orders (a refusal by its profile); no cancel (see poChain).
  { id: 'chaos-netsuite', system: 'netsuite', token: 'chaos-token-netsuite', env: 'MAKINI_TOKEN_CHAOS_NETSUITE' },
  // A CMMS: required asset and date, the idempotency key as a marker in the description.
  { id: 'chaos-emaint', system: 'emaint', token: 'chaos-token-emaint', env: 'MAKINI_TOKEN_CHAOS_EMAINT' },
  // The same systems' own APIs through the passthrough, one connection per dialect (PO creates in one
  // native request; after every connection above, so that those keep their chaos seeds).
  ...(['sap-odata', 'netsuite-rest', 'dynamics-batch'] as const).map((dialect) => {
    const system = PASSTHROUGH_SYSTEM[dialect];
    const env = `MAKINI_TOKEN_CHAOS_${system.toUpperCase()}_PASSTHROUGH`;
    return { id: `chaos-${dialect}`, system, token: `chaos-token-${dialect}`, env, passthrough: dialect };
  }),
];
/**
 * The cluster run's connections (`npm run chaos -- --cluster`): two of each system, so that
 * several connections of one system (their pacing, their control workflows) run side by side.
 */
export const CLUSTER_CHAOS_CONNECTIONS: readonly ChaosConnection[] = CHAOS_CONNECTIONS.flatMap((c) => [
  c,
  { ...c, id: `${c.id}-2`, token: `${c.token}-2`, env: `${c.env}_2` },
]);

/** A material key no system knows: the line that carries it is refused by the native system. */
const UNKNOWN_MATERIAL = 'mat-unknown';

/** Seeded vendors, sites and materials by KEY (their codes differ: sandbox/store.ts). */
const VENDOR_KEYS = ['V-100', 'V-200', 'V-300'] as const;
const SITE_KEY = '1000';
const UOM_KEY = 'EA';
const SEEDED_MATERIALS = ['mat-1', 'mat-2', 'mat-3'] as const;

/** What a write must do: succeed, or be refused (by the profile or by the system) and write nothing. */
export type Expectation = 'succeed' | 'refused';

export interface PlannedWrite<T extends WriteType = WriteType> {
  /** Its role in the chain (`create`, `update`, `cancel`, `update-after-cancel`, `adjust-3`, ...). */
  role: string;
  type: T;
  idempotencyKey: string;
  expect: Expectation;
  /** Runs only if the write at this index of the chain succeeded (else skipped). */
  requires?: number;
  /** The input, given the key of the chain's record (created by the chain's first write, or known). */
  input: (recordKey: string | undefined) => WriteInput<T>;
  /** What the judge needs to know about it (changes, delta, materials, target status). */
  data: WriteData;
}

export type WriteData =
  | {
      kind: 'po-create';
      lines: PlannedLine[];
      /** No title where the native API has none (SAP's deep insert). */
      header: { vendorKey: string; siteKey: string; currencyKey: string; title?: string };
      forbidden: boolean;
      /** Through the passthrough in this dialect (else the unified endpoints). */
      passthrough?: PassthroughDialectName;
      /** The lineNo of a line the native system refuses (an unknown material): the whole create is refused, nothing written. */
      refusedLine?: number;
    }
  | { kind: 'po-update'; title: string }
  | { kind: 'po-cancel' }
  | { kind: 'wo-create'; title: string; forbidden: boolean }
  | { kind: 'wo-update'; title: string }
  | { kind: 'wo-status'; status: 'in-progress' | 'completed' }
  | { kind: 'wo-materials'; materials: { materialKey: string; requiredQuantity: number }[] }
  | { kind: 'inventory-update'; quantity: number; unitCost: number }
  | { kind: 'inventory-adjust'; delta: number };

export interface PlannedLine {
  lineNo: number;
  materialKey: string;
  name: string;
  quantity: number;
  price: number;
  uomKey: string;
}

export type ChainKind = 'purchase-order' | 'work-order' | 'inventory-update' | 'inventory-adjust';

export interface Chain {
  id: string;
  kind: ChainKind;
  connectionId: string;
  system: string;
  writes: PlannedWrite[];
  /** Inventory chains: the record (its own, made for this chain in the setup) and how the writes address it. */
  inventory?: {
    inventoryKey: string;
    materialKey: string;
    code: string;
    initialQuantity: number;
    initialUnitCost: number;
    addressBy: 'inventoryKey' | 'materialKey';
  };
}

/** A material with its own inventory, added to a connection before chaos starts. */
export interface SetupMaterial {
  connectionId: string;
  key: string;
  code: string;
  inventoryKey: string;
  quantity: number;
}

export interface ChaosPlan {
  chains: Chain[];
  /** The connections the chains write to. */
  connections: readonly ChaosConnection[];
  /** Inventory records the chains use, one per chain (sandbox reference data, added before chaos). */
  materials: SetupMaterial[];
  /** Number of planned writes (= the `writes` asked for). */
  writes: number;
}

/** Refusals a profile check decides before any call (nothing may even be sent). */
export const FORBIDDEN_ADJUSTMENT = -1_000_000;

export interface PlanOptions {
  /** Lines of a purchase order, fewest and most (default 1 to 30, mostly few). */
  poLines?: readonly [number, number];
  /** The connections to write to (default CHAOS_CONNECTIONS); every system of CHAOS_CONNECTIONS needs one. */
  connections?: readonly ChaosConnection[];
}

/** The writes of a run, the same for the same seed: chains until `count` writes are planned. */
export function planChaos(count: number, seed: number, runId: string, opts: PlanOptions = {}): ChaosPlan {
  const [minLines, maxLines] = opts.poLines ?? [1, 30];
  const connections = opts.connections ?? CHAOS_CONNECTIONS;
  const random = mulberry32(seed);
  // One connection of the system: with several, a seeded pick (with one, no draw, so that the
  // default plan stays what its seed gave before there was a choice).
  // Unified connections only, unless `passthrough`: then only those of the system speaking a dialect.
  const bySystem = (system: string, passthrough = false): ChaosConnection => {
    const of = connections.filter((c) => c.system === system && (c.passthrough !== undefined) === passthrough);
    if (!of.length) throw new Error(`no ${passthrough ? 'passthrough' : 'unified'} chaos connection of system ${system}`);
    return of.length === 1 ? of[0]! : of[Math.floor(random() * of.length)]!;
  };
  // PO chains of a system alternate between its unified and its passthrough connections (the first
  // on the passthrough), and the second passthrough create of each dialect (and every third after
  // it) has a line the system refuses: counted, not drawn, so that even a small run has every
  // dialect and a refused line, and the draws of the rest of the plan stay what the seed gave
  // before there were passthrough connections.
  const poChainsOf = new Map<string, number>();
  const passthroughChainsOf = new Map<string, number>();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const chance = (p: number) => random() < p;
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const chains: Chain[] = [];
  const materials: SetupMaterial[] = [];
  let planned = 0;

  while (planned < count) {
    const n = chains.length;
    const id = `c${n}`;
    const key = (role: string) => `${runId}-${id}-${role}`;
    const r = random();
    let chain: Chain;
    // Purchase orders most, and half of them line by line (Dynamics): the most requests per write.
    if (r < 0.4) chain = poChain(id, key, pick(['sap', 'dynamics', 'dynamics', 'netsuite']));
    else if (r < 0.65) chain = woChain(id, key, pick(['sap', 'dynamics', 'emaint', 'emaint']));
    else if (r < 0.77) chain = inventoryUpdateChain(id, key, pick(['sap', 'netsuite', 'emaint']), n);
    else chain = adjustChain(id, key, pick(['sap', 'netsuite', 'emaint']), n);
    chain.writes = chain.writes.slice(0, count - planned);
    planned += chain.writes.length;
    chains.push(chain);
    if (chain.inventory) {
      const inv = chain.inventory;
      materials.push({
        connectionId: chain.connectionId,
        key: inv.materialKey,
        code: inv.code,
        inventoryKey: inv.inventoryKey,
        quantity: inv.initialQuantity,
      });
    }
  }
  return { chains, connections, materials, writes: planned };

  function poChain(id: string, key: (role: string) => string, system: string): Chain {
    const nth = poChainsOf.get(system) ?? 0;
    poChainsOf.set(system, nth + 1);
    const native = nth % 2 === 0 && connections.some((c) => c.system === system && c.passthrough);
    const conn = bySystem(system, native);
    const lineCount = minLines + Math.floor(random() ** 2 * (maxLines - minLines + 1)); // mostly few, some up to maxLines
    const forbidden = chance(0.05);
    const p = conn.passthrough ? (passthroughChainsOf.get(conn.passthrough) ?? 0) : 0;
    if (conn.passthrough && !forbidden) passthroughChainsOf.set(conn.passthrough, p + 1);
    const refusedLine = conn.passthrough && !forbidden && p % 3 === 1 ? lineCount : undefined;
    const lines: PlannedLine[] = Array.from({ length: lineCount }, (_, l) => ({
      lineNo: l + 1,
      materialKey: l + 1 === refusedLine ? UNKNOWN_MATERIAL : SEEDED_MATERIALS[l % 3]!,
      name: `part ${l + 1}`,
      quantity: l + 1,
      price: 1 + l,
      uomKey: UOM_KEY,
    }));
    const vendorKey = pick(VENDOR_KEYS);
    // SAP's A_PurchaseOrder has no title: the deep insert would refuse the property.
    const title = conn.passthrough === 'sap-odata' ? {} : { title: `chaos ${id}` };
    const header = { vendorKey, siteKey: SITE_KEY, currencyKey: 'EUR', ...title };
    // The create's key is the native reference: SAP's Your Reference holds 12 characters.
    const createKey = conn.passthrough ? nativeKey(key('create'), id) : key('create');
    const writes: PlannedWrite[] = [];
    const create: PlannedWrite<'createPurchaseOrder'> = {
      role: 'create',
      type: 'createPurchaseOrder',
      idempotencyKey: createKey,
      expect: forbidden || refusedLine !== undefined ? 'refused' : 'succeed',
      data: {
        kind: 'po-create',
        lines,
        header,
        forbidden,
        ...(conn.passthrough ? { passthrough: conn.passthrough } : {}),
        ...(refusedLine !== undefined ? { refusedLine } : {}),
      },
      // totalNetValue is computed by every system: the profile refuses it before any call.
      input: () => ({
        connectionId: conn.id,
        idempotencyKey: createKey,
        purchaseOrder: { ...header, ...(forbidden ? { totalNetValue: 1 } : {}), lineItems: lines.map((l) => ({ ...l })) },
      }),
    };
    writes.push(create);
    if (!forbidden) {
      if (chance(0.6)) {
        const title = `updated ${id}`;
        writes.push(poUpdate('update', key('update'), conn.id, title, 'succeed', 0));
      }
      // Not on NetSuite: its profile cancels by closing (delete.status closed), which the sandbox's
      // NetSuite refuses from draft (409): a disagreement to settle in profiles/ or sandbox/, not here.
      if (system !== 'netsuite' && chance(0.45)) {
        writes.push({
          role: 'cancel',
          type: 'cancelPurchaseOrder',
          idempotencyKey: key('cancel'),
          expect: 'succeed',
          requires: 0,
          data: { kind: 'po-cancel' },
          input: (po) => ({ connectionId: conn.id, idempotencyKey: key('cancel'), purchaseOrderKey: po!, reason: 'chaos run' }),
        });
        // A cancelled (NetSuite: closed) purchase order is final: the profile refuses any update.
        if (chance(0.6))
          writes.push(
            poUpdate('update-after-cancel', key('update-after-cancel'), conn.id, `after cancel ${id}`, 'refused', writes.length - 1),
          );
      }
    }
    // Nothing follows a create refused for its line (its followers were drawn all the same: the rest
    // of the plan stays what the seed gave).
    if (refusedLine !== undefined) writes.length = 1;
    return { id, kind: 'purchase-order', connectionId: conn.id, system, writes };
  }

  function poUpdate(
    role: string,
    k: string,
    connectionId: string,
    title: string,
    expect: Expectation,
    requires: number,
  ): PlannedWrite<'updatePurchaseOrder'> {
    return {
      role,
      type: 'updatePurchaseOrder',
      idempotencyKey: k,
      expect,
      requires,
      data: { kind: 'po-update', title },
      input: (po) => ({ connectionId, idempotencyKey: k, purchaseOrderKey: po!, changes: { title } }),
    };
  }

  function woChain(id: string, key: (role: string) => string, system: string): Chain {
    // NetSuite has no maintenance work orders: its profile refuses the create before any call.
    const forbidden = chance(0.05);
    const conn = bySystem(forbidden ? 'netsuite' : system);
    const cmms = conn.system === 'emaint';
    const title = `WO ${id}`;
    const writes: PlannedWrite[] = [];
    writes.push({
      role: 'create',
      type: 'createWorkOrder',
      idempotencyKey: key('create'),
      expect: forbidden ? 'refused' : 'succeed',
      data: { kind: 'wo-create', title, forbidden },
      input: () => ({
        connectionId: conn.id,
        idempotencyKey: key('create'),
        workOrder: cmms
          ? { title, assetKey: 'A-7', scheduledAt: '2026-12-01T08:00:00Z', description: `chaos work ${id}` }
          : { title, description: `chaos work ${id}` },
      }),
    });
    if (forbidden) return { id, kind: 'work-order', connectionId: conn.id, system: conn.system, writes };
    if (chance(0.6)) {
      // Title only: on eMaint the description carries the idempotency key's marker.
      const newTitle = `updated WO ${id}`;
      writes.push({
        role: 'update',
        type: 'updateWorkOrder',
        idempotencyKey: key('update'),
        expect: 'succeed',
        requires: 0,
        data: { kind: 'wo-update', title: newTitle },
        input: (wo) => ({ connectionId: conn.id, idempotencyKey: key('update'), workOrderKey: wo!, changes: { title: newTitle } }),
      });
    }
    const shuffled = [...SEEDED_MATERIALS].sort(() => random() - 0.5);
    const first = shuffled.slice(0, int(1, 2)).map((materialKey) => ({ materialKey, requiredQuantity: int(1, 9) }));
    if (chance(0.6)) {
      writes.push({
        role: 'materials',
        type: 'addWorkOrderMaterials',
        idempotencyKey: key('materials'),
        expect: 'succeed',
        requires: 0,
        data: { kind: 'wo-materials', materials: first },
        input: (wo) => ({
          connectionId: conn.id,
          idempotencyKey: key('materials'),
          workOrderKey: wo!,
          materials: first.map((m) => ({ ...m })),
        }),
      });
    }
    if (chance(0.6)) {
      const status = chance(0.5) ? 'completed' : 'in-progress';
      writes.push({
        role: 'status',
        type: 'changeWorkOrderStatus',
        idempotencyKey: key('status'),
        expect: 'succeed',
        requires: 0,
        data: { kind: 'wo-status', status },
        input: (wo) => ({ connectionId: conn.id, idempotencyKey: key('status'), workOrderKey: wo!, status }),
      });
      // A completed work order takes no new material: the system refuses it (4xx), nothing is written.
      if (status === 'completed' && chance(0.6)) {
        const late = [{ materialKey: shuffled[2]!, requiredQuantity: int(1, 9) }];
        writes.push({
          role: 'materials-after-completion',
          type: 'addWorkOrderMaterials',
          idempotencyKey: key('materials-after-completion'),
          expect: 'refused',
          requires: writes.length - 1,
          data: { kind: 'wo-materials', materials: late },
          input: (wo) => ({
            connectionId: conn.id,
            idempotencyKey: key('materials-after-completion'),
            workOrderKey: wo!,
            materials: late.map((m) => ({ ...m })),
          }),
        });
      }
    }
    return { id, kind: 'work-order', connectionId: conn.id, system: conn.system, writes };
  }

  function inventoryOf(id: string, n: number, initialQuantity: number): NonNullable<Chain['inventory']> {
    // Key and code differ, as every Makini key does.
    return {
      inventoryKey: `inv-chaos-${id}`,
      materialKey: `mat-chaos-${id}`,
      code: `MC-${10_000 + n}`,
      initialQuantity,
      initialUnitCost: 0,
      addressBy: chance(0.5) ? 'inventoryKey' : 'materialKey',
    };
  }

  function target(inv: NonNullable<Chain['inventory']>) {
    return inv.addressBy === 'inventoryKey' ? { inventoryKey: inv.inventoryKey } : { materialKey: inv.materialKey };
  }

  function inventoryUpdateChain(id: string, key: (role: string) => string, system: string, n: number): Chain {
    const conn = bySystem(system);
    const inv = inventoryOf(id, n, int(0, 50));
    const writes: PlannedWrite[] = Array.from({ length: int(1, 3) }, (_, i) => {
      // Each update sets values no other update of the chain sets: a write is recognised by them.
      const quantity = 100 * (i + 1) + int(0, 99);
      const unitCost = Math.round((i + 1 + random()) * 100) / 100;
      const k = key(`update-${i + 1}`);
      return {
        role: `update-${i + 1}`,
        type: 'updateInventory',
        idempotencyKey: k,
        expect: 'succeed',
        data: { kind: 'inventory-update', quantity, unitCost },
        input: () => ({ connectionId: conn.id, idempotencyKey: k, ...target(inv), changes: { quantity, unitCost } }),
      } satisfies PlannedWrite<'updateInventory'>;
    });
    return { id, kind: 'inventory-update', connectionId: conn.id, system, writes, inventory: inv };
  }

  function adjustChain(id: string, key: (role: string) => string, system: string, n: number): Chain {
    const conn = bySystem(system);
    const issues = chance(0.5); // a chain of issues (negative deltas) or of receipts
    const inv = inventoryOf(id, n, issues ? 1_000 : int(0, 20));
    const writes: PlannedWrite[] = Array.from({ length: int(2, 5) }, (_, i) => {
      // Would leave the quantity below 0: the workflow refuses it before any write.
      const forbidden = chance(0.08);
      const delta = forbidden ? FORBIDDEN_ADJUSTMENT : (issues ? -1 : 1) * int(1, 12);
      const k = key(`adjust-${i + 1}`);
      return {
        role: `adjust-${i + 1}`,
        type: 'adjustInventory',
        idempotencyKey: k,
        expect: forbidden ? 'refused' : 'succeed',
        data: { kind: 'inventory-adjust', delta },
        input: () => ({ connectionId: conn.id, idempotencyKey: k, ...target(inv), delta, reason: `chaos ${id} #${i + 1}` }),
      } satisfies PlannedWrite<'adjustInventory'>;
    });
    return { id, kind: 'inventory-adjust', connectionId: conn.id, system, writes, inventory: inv };
  }
}

/**
 * A create key a native reference can hold (letters, digits, `-`; at most 12 characters, SAP's
 * Your Reference): the run's last 4 characters and the chain id, unique within the run as the long
 * key is (`${runId}-${chain}-create`).
 */
function nativeKey(longKey: string, chainId: string): string {
  const run = longKey.slice(0, -`-${chainId}-create`.length);
  const k = `${run.replace(/[^A-Za-z0-9]/g, '').slice(-4)}-${chainId}`;
  if (k.length > 12) throw new Error(`chain id ${chainId} is too long for a native reference (${k})`);
  return k;
}

/**
 * Write requests (POST/PUT) each connection gets at least: one per planned write, one per line of a
 * purchase order written line by line, one per material; none for a write its profile refuses. A
 * passthrough create is one (its inner write; the native reads around it are reads).
 */
export function plannedWriteRequests(plan: ChaosPlan): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(plan.connections.map((c) => [c.id, 0]));
  for (const c of plan.chains) {
    for (const w of c.writes) {
      const d = w.data;
      if ((d.kind === 'po-create' || d.kind === 'wo-create') && d.forbidden) continue;
      if (d.kind === 'inventory-adjust' && d.delta === FORBIDDEN_ADJUSTMENT) continue;
      out[c.connectionId]! +=
        d.kind === 'po-create' && c.system === 'dynamics' && !d.passthrough
          ? 1 + d.lines.length
          : d.kind === 'wo-materials'
            ? d.materials.length
            : 1;
    }
  }
  return out;
}
