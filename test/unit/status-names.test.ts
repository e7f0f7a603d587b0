// The one status comparison (src/profiles/workflow/status-names.ts): key vs code vs name, normalisation,
// records with and without a statusKey, and the profiles' state rules through checkWrite.
import { describe, expect, it } from 'vitest';
import { checkWrite } from '../../src/profiles/workflow/check-write.js';
import { loadBuiltinProfiles } from '../../src/profiles/load-profiles.js';
import {
  findStatus,
  normaliseStatus,
  poStatusBodyValue,
  recordHasStatus,
  statusIs,
  statusLabel,
  statusOfRecord,
  type StatusEntry,
} from '../../src/profiles/workflow/status-names.js';

/** A system whose key, code and name all differ (Maximo-like). */
const SYSTEM: StatusEntry[] = [
  { key: 'WS-10', code: 'OPN', name: 'Open' },
  { key: 'WS-20', code: 'INPRG', name: 'In Progress' },
  { key: 'WS-30', code: 'COMPL', name: 'Completed' },
  { key: 'WS-90', code: 'CAN', name: 'Cancelled' },
];
const completed = SYSTEM[2]!;

describe('normaliseStatus', () => {
  it.each([
    ['In Progress', 'in-progress'],
    ['  IN_PROGRESS ', 'in-progress'],
    ['in--progress', 'in-progress'],
    ['in.progress', 'in-progress'],
    ['Waiting / On  Approval', 'waiting-on-approval'],
    ['-completed-', 'completed'],
  ])('%j → %j', (raw, want) => expect(normaliseStatus(raw)).toBe(want));
});

describe('findStatus: a caller names the target by key, code or name', () => {
  it.each(['WS-30', 'COMPL', 'compl', 'Completed', ' completed ', 'COMPLETED'])('%j finds WS-30', (named) => {
    expect(findStatus(SYSTEM, named)).toBe(completed);
  });

  it('a key is matched exactly (never normalised), before any code or name', () => {
    const clash: StatusEntry[] = [
      { key: 'A1', code: 'DONE', name: 'Done' },
      { key: 'DONE', code: 'X', name: 'Something else' },
    ];
    expect(findStatus(clash, 'DONE')?.key).toBe('DONE');
    expect(findStatus(clash, 'done')?.key).toBe('A1');
    expect(findStatus(SYSTEM, 'ws-30')).toBeUndefined();
  });

  it('a code wins over another status whose name reads the same', () => {
    const list: StatusEntry[] = [
      { key: '1', code: 'X', name: 'Closed' },
      { key: '2', code: 'CLOSED', name: 'Finished' },
    ];
    expect(findStatus(list, 'closed')?.key).toBe('2');
  });

  it('names nothing for an unknown or empty text', () => {
    expect(findStatus(SYSTEM, 'bogus')).toBeUndefined();
    expect(findStatus(SYSTEM, '  ')).toBeUndefined();
  });
});

describe('recordHasStatus: by statusKey when the record carries one, else by text', () => {
  it('the stand-in case: statusKey WS-30, status "Completed" is in COMPL, whatever the text says', () => {
    expect(recordHasStatus({ statusKey: 'WS-30', status: 'completed' }, completed)).toBe(true);
    expect(recordHasStatus({ statusKey: 'WS-30', status: 'Something else' }, completed)).toBe(true);
    // The text matches the name, but the key says another status: the key decides.
    expect(recordHasStatus({ statusKey: 'WS-20', status: 'Completed' }, completed)).toBe(false);
  });

  it('a record without statusKey is compared by its text against code or name, normalised', () => {
    expect(recordHasStatus({ status: 'COMPLETED' }, completed)).toBe(true);
    expect(recordHasStatus({ status: 'compl' }, completed)).toBe(true);
    expect(recordHasStatus({ status: 'WS-30' }, completed)).toBe(false); // a text is never compared with a key
    expect(recordHasStatus({}, completed)).toBe(false);
  });

  it('a target known only by its text (not in the list) is compared by text, even where the record has a key', () => {
    expect(recordHasStatus({ statusKey: 'WS-90', status: 'Cancelled' }, { name: 'cancelled' })).toBe(true);
    expect(recordHasStatus({ statusKey: 'WS-90', status: 'Open' }, { name: 'cancelled' })).toBe(false);
  });
});

describe('statusOfRecord', () => {
  it('resolves by statusKey first, then by code or name', () => {
    expect(statusOfRecord({ statusKey: 'WS-30', status: 'whatever' }, SYSTEM)).toBe(completed);
    expect(statusOfRecord({ status: 'in progress' }, SYSTEM)?.key).toBe('WS-20');
    expect(statusOfRecord({ status: 'CAN' }, SYSTEM)?.key).toBe('WS-90');
    expect(statusOfRecord({ statusKey: 'unknown-key', status: 'Open' }, SYSTEM)?.key).toBe('WS-10');
    expect(statusOfRecord({ statusKey: 'unknown-key' }, SYSTEM)).toBeUndefined();
  });
});

describe('statusIs, statusLabel, poStatusBodyValue', () => {
  it('a profile name matches a status by its code or name, never by its key', () => {
    expect(statusIs(completed, 'completed')).toBe(true);
    expect(statusIs({ key: 'PS-20', code: 'APPR', name: 'Approved' }, 'approved')).toBe(true);
    expect(statusIs({ key: 'approved', code: 'APPR', name: 'Released' }, 'approved')).toBe(false);
    expect(statusIs('In Progress', 'in-progress')).toBe(true);
    expect(statusIs(undefined, 'open')).toBe(false);
    expect(statusIs(completed, 42)).toBe(false);
  });

  it('labels a status by its normalised name, else code, else key', () => {
    expect(statusLabel(completed)).toBe('completed');
    expect(statusLabel({ key: 'K', code: 'ON_HOLD' })).toBe('on-hold');
    expect(statusLabel({ key: 'K' })).toBe('K');
    expect(statusLabel('Pending Approval')).toBe('pending-approval');
  });

  it('a PO status PUT carries the code, else the name, else the key', () => {
    expect(poStatusBodyValue({ key: 'PS-90', code: 'CAN', name: 'Cancelled' }, 'cancelled')).toBe('CAN');
    expect(poStatusBodyValue({ key: 'PS-90', name: 'Cancelled' }, 'cancelled')).toBe('Cancelled');
    expect(poStatusBodyValue({}, 'cancelled')).toBe('cancelled');
  });
});

describe('state rules compare through it', () => {
  const sap = loadBuiltinProfiles().get('sap')!;
  const approved = { key: 'PS-20', code: 'APPR', name: 'Approved' };

  it('an approved SAP PO (resolved status, or its text in any spelling) refuses update', () => {
    for (const currentStatus of [approved, 'Approved', 'APPROVED', 'approved']) {
      const v = checkWrite(sap, { entity: 'purchaseOrder', operation: 'update', fields: { title: 'x' }, currentStatus });
      expect(v.map((x) => `${x.field}:${x.rule}`)).toEqual(['status:state-locked']);
    }
    expect(checkWrite(sap, { entity: 'purchaseOrder', operation: 'update', fields: { title: 'x' }, currentStatus: 'APPR' })).toEqual([]);
  });

  it('an allowed status change from approved is recognised by the target status code or name', () => {
    const closed = { key: 'PS-95', code: 'CLOSE', name: 'Closed' };
    const cancelled = { key: 'PS-90', code: 'CAN', name: 'Cancelled' };
    expect(checkWrite(sap, { entity: 'purchaseOrder', operation: 'changeStatus', currentStatus: approved, targetStatus: closed })).toEqual(
      [],
    );
    expect(
      checkWrite(sap, { entity: 'purchaseOrder', operation: 'cancel', currentStatus: approved, targetStatus: cancelled }).map(
        (x) => x.rule,
      ),
    ).toEqual(['state-locked']);
  });
});
