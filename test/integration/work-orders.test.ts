// Work orders end to end: real Temporal dev server, production worker, sandbox over HTTP; plus
// connection overrides and the capabilities CLI.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Client } from '@temporalio/client';
import { stringify as toYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  capabilitiesOf,
  CapabilitiesError,
  startAddWorkOrderMaterials,
  startChangeWorkOrderStatus,
  startCreatePurchaseOrder,
  startCreateWorkOrder,
  startUpdateWorkOrder,
  WriteFailureType,
  type CreateWorkOrderInput,
} from '../../src/client/index.js';
import type { RequestLogEntry } from '../../sandbox/admin-client.js';
import type { TestSandbox } from '../support/sandbox.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';
import { failureOf, violatedRules as rules, violationsOf } from '../support/failures.js';
import { uniqueKey } from '../support/production-worker.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** A customer's customised SAP: one more required field, one custom field opened (under its SAP name). */
const CUSTOM_SAP_OVERRIDES = {
  workOrder: { operations: { create: { addRequired: ['assetKey'] } }, customFieldMap: { costCenter: 'ZZ_KOSTL' } },
  purchaseOrder: { customFieldMap: { costCenter: 'ZZ_KOSTL' } },
};

const writes = (log: RequestLogEntry[]) => log.filter((r) => r.method !== 'GET');

describe('work order workflows', () => {
  let stack: WriteStack;
  let sb: TestSandbox;
  let client: Client;
  let taskQueue: string;
  const key = uniqueKey;

  beforeAll(async () => {
    stack = await startWriteStack({
      taskQueuePrefix: 'wo',
      connections: [
        { id: 'em-1', system: 'emaint' },
        { id: 'mx-1', system: 'maintain-x' },
        { id: 'sap-1', system: 'sap' },
        { id: 'sap-custom', system: 'sap', overrides: CUSTOM_SAP_OVERRIDES },
      ],
    });
    ({ sb, client, taskQueue } = stack);
  });
  afterAll(() => stack?.stop());

  const logOf = (id: string) => sb.sandbox.admin.requestLog(id);
  const workOrders = async (id: string) => (await sb.sandbox.admin.state(id)).workOrders;
  const create = (input: CreateWorkOrderInput) => startCreateWorkOrder(client, input, { taskQueue });
  /** Creates a work order with what the system requires (eMaint takes no siteKey), returns its key. */
  const createdOn = async (connectionId: string, k: string) =>
    (
      await (
        await create({
          connectionId,
          idempotencyKey: k,
          workOrder: {
            title: `WO ${k}`,
            assetKey: 'A-7',
            scheduledAt: '2026-12-01T08:00:00Z',
            ...(connectionId === 'em-1' ? {} : { siteKey: 'S1' }),
          },
        })
      ).result()
    ).workOrderKey;

  it('refuses a work order missing eMaint-required fields before any write, listing all; the same one succeeds on MaintainX', async () => {
    const k = key('emvsmx');
    const workOrder = { title: 'Replace bearing', siteKey: 'S1', description: 'pump 3 is noisy' };
    const before = (await logOf('em-1')).length;
    const refused = await failureOf((await create({ connectionId: 'em-1', idempotencyKey: k, workOrder })).result());
    expect(refused.type).toBe(WriteFailureType.restrictionViolated);
    expect(rules(refused)).toEqual(['assetKey:required', 'scheduledAt:required', 'siteKey:field-not-writable']);
    expect(violationsOf(refused).every((v) => v.system === 'emaint')).toBe(true);
    expect(refused.message).toMatch(/assetKey \[required\].*scheduledAt \[required\]/);
    expect(writes((await logOf('em-1')).slice(before))).toEqual([]);

    const ok = await (await create({ connectionId: 'mx-1', idempotencyKey: k, workOrder })).result();
    expect(ok).toMatchObject({ status: 'open', foundExisting: false, reference: { mode: 'marker', field: 'description' } });
    const [stored, ...others] = (await workOrders('mx-1')).filter((w) => String(w.description).includes(`[makini-writes:${k}]`));
    expect(others).toEqual([]);
    expect(stored).toMatchObject({ key: ok.workOrderKey, title: 'Replace bearing', siteKey: 'S1' });
    expect(stored?.code).toBeUndefined(); // MaintainX takes no code: the key travels in the description
    expect(String(stored?.description)).toMatch(/^pump 3 is noisy\n\n\[makini-writes:/);

    const em = await (
      await create({
        connectionId: 'em-1',
        idempotencyKey: key('em-ok'),
        workOrder: { title: 'Replace bearing', assetKey: 'A-7', scheduledAt: '2026-12-01T08:00:00Z' },
      })
    ).result();
    expect(em.reference).toMatchObject({ mode: 'marker', field: 'description' });
  });

  it('creates one work order when the same key is started twice, and when the create commits then answers 504', async () => {
    const k = key('twice');
    const input: CreateWorkOrderInput = { connectionId: 'sap-1', idempotencyKey: k, workOrder: { title: 'Inspect pump' } };
    const [a, b] = await Promise.all([create(input), create(input)]);
    const [ra, rb] = await Promise.all([a.result(), b.result()]);
    expect(ra.workOrderKey).toBe(rb.workOrderKey);
    expect(ra.reference).toEqual({ mode: 'field', field: 'code' });
    expect((await workOrders('sap-1')).filter((w) => w.code === k)).toHaveLength(1);

    // eMaint: the answer is lost after the write; the marker lookup finds it, nothing is repeated.
    const k504 = key('em504');
    await sb.sandbox.admin.scriptFaults('em-1', [
      { kind: 'commit-then-fail', status: 504, method: 'POST', pathPrefix: '/api/eam/work-orders' },
    ]);
    const result = await (
      await create({
        connectionId: 'em-1',
        idempotencyKey: k504,
        workOrder: { title: 'Grease bearings', assetKey: 'A-7', scheduledAt: '2026-12-01T08:00:00Z' },
      })
    ).result();
    const found = (await workOrders('em-1')).filter((w) => String(w.description).includes(`[makini-writes:${k504}]`));
    expect(found.map((w) => w.key)).toEqual([result.workOrderKey]);
    const step = result.steps.find((s) => s.name === 'create work order')!;
    expect(step).toMatchObject({ attempts: 1, outcome: 'succeeded' });
    expect(step.note).toMatch(/504.*landed/);
    const posts = (await logOf('em-1')).filter((r) => r.method === 'POST' && r.time >= step.startedAt);
    expect(posts).toHaveLength(1);
  });

  it('changes status as the profile allows and refuses what its state rules forbid, before any write', async () => {
    const woKey = await createdOn('em-1', key('status'));
    const change = async (status: string, k = key('st')) =>
      (
        await startChangeWorkOrderStatus(client, { connectionId: 'em-1', idempotencyKey: k, workOrderKey: woKey, status }, { taskQueue })
      ).result();
    expect(await change('In Progress')).toMatchObject({ previousStatus: 'open', status: 'in-progress', alreadyApplied: false });
    expect(await change('cancelled')).toMatchObject({ previousStatus: 'in-progress', status: 'cancelled' });
    expect(await change('cancelled')).toMatchObject({ alreadyApplied: true });

    const before = (await logOf('em-1')).length;
    const locked = await failureOf(change('open'));
    expect(locked.type).toBe(WriteFailureType.restrictionViolated);
    expect(rules(locked)).toEqual(['status:state-locked']);
    expect(locked.message).toMatch(/cancelled.*refuses changeStatus on emaint/);
    const unknown = await failureOf(change('bogus'));
    expect(violationsOf(unknown)[0]).toMatchObject({
      field: 'status',
      rule: 'unknown-status',
      hint: expect.stringMatching(/open, in-progress/),
    });
    expect(writes((await logOf('em-1')).slice(before))).toEqual([]);
    expect((await workOrders('em-1')).find((w) => w.key === woKey)?.status).toBe('cancelled');

    // MaintainX work orders cannot be cancelled at all (no cancelled status, no DELETE).
    const mxKey = await createdOn('mx-1', key('mxcancel'));
    const mx = await failureOf(
      (
        await startChangeWorkOrderStatus(
          client,
          { connectionId: 'mx-1', idempotencyKey: key('mxc'), workOrderKey: mxKey, status: 'cancelled' },
          { taskQueue },
        )
      ).result(),
    );
    expect(rules(mx)).toEqual(['(operation):delete-impossible']);
  });

  it('adds materials once (a second run with the same materials writes nothing) and refuses them on MaintainX', async () => {
    const woKey = await createdOn('sap-1', key('mat'));
    const materials = [
      { materialKey: 'mat-1', requiredQuantity: 2 },
      { materialKey: 'mat-3', requiredQuantity: 1, usedQuantity: 0 },
    ];
    const first = await (
      await startAddWorkOrderMaterials(
        client,
        { connectionId: 'sap-1', idempotencyKey: key('m1'), workOrderKey: woKey, materials },
        { taskQueue },
      )
    ).result();
    expect(first.materials.map((m) => `${m.materialKey}:${m.added}`)).toEqual(['mat-1:true', 'mat-3:true']);
    const stored = (await workOrders('sap-1')).find((w) => w.key === woKey)!;
    expect(stored.materials.map((m) => `${m.materialKey}=${m.requiredQuantity}`)).toEqual(['mat-1=2', 'mat-3=1']);

    const before = (await logOf('sap-1')).length;
    const again = await (
      await startAddWorkOrderMaterials(
        client,
        { connectionId: 'sap-1', idempotencyKey: key('m2'), workOrderKey: woKey, materials },
        { taskQueue },
      )
    ).result();
    expect(again.materials.every((m) => !m.added)).toBe(true);
    expect(writes((await logOf('sap-1')).slice(before))).toEqual([]);
    const conflicting = await failureOf(
      (
        await startAddWorkOrderMaterials(
          client,
          {
            connectionId: 'sap-1',
            idempotencyKey: key('m3'),
            workOrderKey: woKey,
            materials: [
              { materialKey: 'mat-2', requiredQuantity: 1 },
              { materialKey: 'mat-1', requiredQuantity: 5 },
            ],
          },
          { taskQueue },
        )
      ).result(),
    );
    expect(rules(conflicting)).toEqual(['materials[1].materialKey:material-already-present']);
    expect(writes((await logOf('sap-1')).slice(before))).toEqual([]);

    const mxKey = await createdOn('mx-1', key('mxmat'));
    const mx = await failureOf(
      (
        await startAddWorkOrderMaterials(
          client,
          { connectionId: 'mx-1', idempotencyKey: key('mxm'), workOrderKey: mxKey, materials },
          { taskQueue },
        )
      ).result(),
    );
    expect(rules(mx)).toEqual(['(operation):operation-not-allowed']);
    expect(mx.message).toMatch(/parts/);
  });

  it('updates a MaintainX work order sending siteKey and title it requires on every update; refuses eMaint dueAt', async () => {
    const mxKey = await createdOn('mx-1', key('mxupd'));
    const upd = await (
      await startUpdateWorkOrder(
        client,
        { connectionId: 'mx-1', idempotencyKey: key('u'), workOrderKey: mxKey, changes: { severity: 'high' } },
        { taskQueue },
      )
    ).result();
    expect(upd).toMatchObject({ changedFields: ['severity'], carriedOver: ['siteKey', 'title'], alreadyApplied: false });
    const put = (await logOf('mx-1')).filter((r) => r.method === 'PUT' && r.path.endsWith(mxKey)).at(-1);
    expect(put?.body).toEqual({ severity: 'high', siteKey: 'S1', title: expect.stringMatching(/^WO /) });

    const emKey = await createdOn('em-1', key('emupd'));
    const refused = await failureOf(
      (
        await startUpdateWorkOrder(
          client,
          { connectionId: 'em-1', idempotencyKey: key('u'), workOrderKey: emKey, changes: { dueAt: '2026-12-24', title: 'new' } },
          { taskQueue },
        )
      ).result(),
    );
    expect(rules(refused)).toEqual(['dueAt:field-not-writable']);
  });

  it('a connection override (customised SAP) changes the verdict of the same write', async () => {
    const workOrder = { title: 'Calibrate scale', customFields: { costCenter: '4711' } };
    const plain = await failureOf((await create({ connectionId: 'sap-1', idempotencyKey: key('ov'), workOrder })).result());
    expect(rules(plain)).toEqual(['customFields.costCenter:custom-field-not-writable']);
    const custom = await failureOf((await create({ connectionId: 'sap-custom', idempotencyKey: key('ov'), workOrder })).result());
    expect(rules(custom)).toEqual(['assetKey:required']);

    const withAsset = { ...workOrder, assetKey: 'A-7' };
    expect(
      rules(await failureOf((await create({ connectionId: 'sap-1', idempotencyKey: key('ov'), workOrder: withAsset })).result())),
    ).toEqual(['customFields.costCenter:custom-field-not-writable']);
    const k = key('ovok');
    const ok = await (await create({ connectionId: 'sap-custom', idempotencyKey: k, workOrder: withAsset })).result();
    const stored = (await workOrders('sap-custom')).find((w) => w.key === ok.workOrderKey);
    expect(stored).toMatchObject({ code: k, customFields: { ZZ_KOSTL: '4711' } });

    // The same map applies to purchase orders of that connection.
    const poKey = key('ovpo');
    await (
      await startCreatePurchaseOrder(
        client,
        {
          connectionId: 'sap-custom',
          idempotencyKey: poKey,
          purchaseOrder: {
            vendorKey: 'V-100',
            siteKey: '1000',
            currencyKey: 'EUR',
            customFields: { costCenter: '4711' },
            lineItems: [{ quantity: 1, price: 5 }],
          },
        },
        { taskQueue },
      )
    ).result();
    const po = (await sb.sandbox.admin.state('sap-custom')).purchaseOrders.find((p) => p.code === poKey);
    expect(po?.customFields).toEqual({ ZZ_KOSTL: '4711' });
  });
});

describe('capability discovery', () => {
  let dir: string;
  let file: string;
  const connections = {
    connections: [
      { id: 'em-1', token: { env: 'EM_TOKEN' }, system: 'emaint' },
      { id: 'sap-custom', token: { env: 'SAP_TOKEN' }, system: 'sap', overrides: CUSTOM_SAP_OVERRIDES },
      { id: 'unknown-system', token: { env: 'X_TOKEN' } },
    ],
  };

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'makini-capabilities-'));
    file = join(dir, 'connections.yaml');
    writeFileSync(file, toYaml(connections));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** `makini-writes capabilities ...` as a real process (tsx loader, like `npm run cli`). */
  const cli = (args: string[]) =>
    spawnSync(
      process.execPath,
      [
        '--import',
        pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href,
        join(repoRoot, 'src', 'cli', 'main.ts'),
        'capabilities',
        ...args,
      ],
      { cwd: repoRoot, env: { ...process.env, MAKINI_CONNECTIONS_FILE: file }, encoding: 'utf8', timeout: 60_000 },
    );

  it('the CLI prints a JSON Schema naming the required fields of the connection', () => {
    const run = cli(['em-1', 'work-order', 'create']);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const schema = JSON.parse(run.stdout) as Record<string, unknown> & { properties: Record<string, { readOnly?: boolean }> };
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.required).toEqual(['assetKey', 'title', 'scheduledAt']);
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['assetKey', 'title', 'scheduledAt', 'dueAt', 'description']));
    expect(schema.properties.siteKey).toBeUndefined();

    const custom = JSON.parse(cli(['sap-custom', 'workOrder', 'create']).stdout) as {
      required: string[];
      properties: { customFields: { properties: object } };
    };
    expect(custom.required).toEqual(['title', 'assetKey']);
    expect(Object.keys(custom.properties.customFields.properties)).toEqual(expect.arrayContaining(['costCenter']));
  });

  it('says what is wrong instead of guessing: unknown entity, connection without a configured system', () => {
    const badEntity = cli(['em-1', 'asset', 'create']);
    expect(badEntity.status).toBe(2);
    expect(badEntity.stderr).toMatch(/unknown entity "asset": one of purchaseOrder, workOrder, inventory/);
    const noSystem = cli(['unknown-system', 'workOrder', 'create']);
    expect(noSystem.status).toBe(1);
    expect(noSystem.stderr).toMatch(/connection "unknown-system" has no system .*: set `system`/);
  });

  it('exports the same answer as a function for backend services', () => {
    const schema = capabilitiesOf({ connections, connectionId: 'em-1', entity: 'workOrder', operation: 'update' });
    expect(schema.required).toEqual([]);
    expect(schema['x-makini-fields']).toMatchObject({ writable: expect.arrayContaining(['duaAt', 'description']) });
    expect(() => capabilitiesOf({ connections, connectionId: 'nope', entity: 'workOrder', operation: 'create' })).toThrow(
      CapabilitiesError,
    );
  });
});
