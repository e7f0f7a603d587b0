// The catalog is the one table of write types, and a type it names must be complete everywhere a
// user meets it: a workflow the worker runs, activities the worker has, a start helper and its input
// schema in the client, a type bulk writes accept, modules the workflow threads share. Adding a
// write type the way src/writes/workflow/catalog.ts says makes each of these true, or this test names what is missing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createActivities } from '../../src/activities/index.js';
import * as client from '../../src/client/index.js';
import { bulkItemTypeSchema, bulkWriteInputSchema } from '../../src/writes/bulk/workflow/contract.js';
import { WRITE_TYPE_NAMES, WRITE_TYPES } from '../../src/writes/workflow/catalog.js';
import * as workflows from '../../src/workflows/index.js';

const root = join(import.meta.dirname, '..', '..');
const sharedModules = readFileSync(join(root, 'src', 'workflows', 'shared-modules.ts'), 'utf8');
const activityNames = Object.keys(createActivities({ makini: {} as never, connection: () => undefined, profileFor: () => ({}) as never }));
const folderOf = { 'purchase-order': 'purchase-orders', 'work-order': 'work-orders', inventory: 'inventory' } as const;
const capitalised = (name: string) => name[0]!.toUpperCase() + name.slice(1);

describe.each(WRITE_TYPE_NAMES)('write type %s', (type) => {
  const entry = WRITE_TYPES[type];

  it('the worker runs its workflow, under the catalog name', () => {
    expect(typeof (workflows as Record<string, unknown>)[type]).toBe('function');
  });

  it('the worker has every activity it paces', () => {
    expect(entry.pacedActivities.filter((a) => !activityNames.includes(a))).toEqual([]);
  });

  it('the client exports its start helper', () => {
    expect(typeof (client as Record<string, unknown>)[`start${capitalised(type)}`]).toBe('function');
  });

  it('bulk writes accept it', () => {
    expect(bulkItemTypeSchema.safeParse(type).success).toBe(true);
    const planned = bulkWriteInputSchema.safeParse({ bulkId: 'b-1', items: [{ type, input: {} }] });
    expect(planned.error?.issues.map((i) => i.path.join('.')) ?? []).not.toContain('items.0.type');
  });

  it('its contract is one of the modules every workflow thread shares', () => {
    expect(sharedModules).toContain(`'../writes/${folderOf[entry.entity]}/workflow/contract.js'`);
  });
});

it('the worker runs no write workflow the catalog does not name', () => {
  const infrastructure = ['bulkWrite', 'connectionControl'];
  expect(Object.keys(workflows).filter((name) => !infrastructure.includes(name) && !(name in WRITE_TYPES))).toEqual([]);
});
