// Every history fixture under test/histories/ replays against the current workflow code: an
// incompatible (nondeterministic) change fails here before it ships.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { installQuietRuntime, workflowBundle } from '../support/temporal.js';

const dir = join(import.meta.dirname, '..', 'histories');
const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('replay of recorded histories', () => {
  it('has fixtures to replay', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(5);
  });
  it.each(fixtures)('%s replays without nondeterminism', async (file) => {
    installQuietRuntime();
    const history = historyFromJSON(JSON.parse(readFileSync(join(dir, file), 'utf8')));
    await Worker.runReplayHistory({ workflowBundle: await workflowBundle() }, history, file);
  });
});
