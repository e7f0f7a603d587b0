// Every history fixture under test/histories/ replays against the current workflow code: an
// incompatible (nondeterministic) change fails here before it ships. The fixtures cover every
// workflow type the worker runs (recorded by test/replay/record-histories.test.ts), and each
// recorded input still parses as it did when it ran: a tightened schema that refused one would
// make the replay fail with InvalidWriteInput where the history went on.
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { History } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { CONNECTION_CONTROL_WORKFLOW } from '../../src/connections/workflow/messages.js';
import { WRITE_TYPES, WRITE_TYPE_NAMES, isWriteType } from '../../src/writes/workflow/catalog.js';
import { bulkWriteInputSchema } from '../../src/writes/bulk/workflow/contract.js';
import { inputProblems } from '../../src/writes/workflow/engine/input.js';
import { exportHistory, readHistoryFile, replayHistory } from '../../src/operations/replay.js';
import { installQuietRuntime, workflowBundle } from '../support/temporal.js';

const dir = join(import.meta.dirname, '..', 'histories');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

type LoadedFixture = History;
const load = (file: string): LoadedFixture => readHistoryFile(join(dir, file)).history;
const started = (h: LoadedFixture) => h.events![0]!.workflowExecutionStartedEventAttributes!;
const typeOf = (h: LoadedFixture) => started(h).workflowType!.name!;
/** The recorded input (plain JSON payloads: the fixtures are recorded without encryption). */
const inputOf = (h: LoadedFixture): unknown => JSON.parse(Buffer.from(started(h).input!.payloads![0]!.data!).toString('utf8'));
const failureTypeOf = (h: LoadedFixture) => h.events!.at(-1)?.workflowExecutionFailedEventAttributes?.failure?.applicationFailureInfo?.type;

describe('replay of recorded histories', () => {
  it('has fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(20);
  });

  it('covers every workflow type the worker runs', () => {
    const covered = new Set(fixtures.map((f) => typeOf(load(f))));
    expect([...WRITE_TYPE_NAMES, 'bulkWrite', CONNECTION_CONTROL_WORKFLOW].filter((t) => !covered.has(t))).toEqual([]);
  });

  it.each(fixtures)('%s: its recorded input parses as it did when it ran', (file) => {
    const h = load(file);
    const type = typeOf(h);
    const input = inputOf(h);
    let problems: string[];
    if (isWriteType(type)) {
      const r = WRITE_TYPES[type].schema.safeParse(input);
      problems = r.success ? [] : inputProblems(r.error).map((p) => `${p.field} [${p.rule}]`);
    } else if (type === 'bulkWrite') {
      const { carry: _carry, ...bulk } = input as Record<string, unknown>;
      const r = bulkWriteInputSchema.safeParse(bulk);
      problems = r.success ? [] : inputProblems(r.error).map((p) => `${p.field} [${p.rule}]`);
    } else {
      problems = typeof (input as { connectionId?: unknown }).connectionId === 'string' ? [] : ['connectionId'];
    }
    // Only a history that ended in InvalidWriteInput may hold an input the schema refuses.
    expect(problems.length > 0).toBe(failureTypeOf(h) === 'InvalidWriteInput');
  });

  it.each(fixtures)('%s replays without nondeterminism', async (file) => {
    installQuietRuntime();
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, load(file), file);
  });

  it('a history exported the way fixtures are recorded (exportHistory) reads back whole and replays', async () => {
    installQuietRuntime();
    const recorded = readHistoryFile(join(dir, fixtures[0]!));
    const path = join(mkdtempSync(join(tmpdir(), 'export-')), 'h.json');
    writeFileSync(path, await exportHistory({ fetchHistory: () => Promise.resolve(recorded.history) }));
    const exported = readHistoryFile(path);
    expect(exported.workflowId).toBe(recorded.workflowId);
    expect(exported.history.events?.length).toBe(recorded.history.events?.length);
    expect(await replayHistory(exported, { workflowBundle: await workflowBundle() })).toMatchObject({ ok: true });
  });
});
