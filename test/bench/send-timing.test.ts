// The rate benchmark's split of a late send: the gate's record of each paced write call it lets go
// reaches a benchmark through the runtime's logger (a real worker, dev server and sandbox), and the
// summary puts the oldest POST of a 429's minute together from the server's dispatch, the worker's
// record and the sandbox's arrival.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCreatePurchaseOrder } from '../../src/client/index.js';
import { installQuietRuntime, uniqueKey } from '../support/production-worker.js';
import { startWriteStack, type WriteStack } from '../support/write-stack.js';
import { poInput } from '../support/po-input.js';
import { releaseSink, type PacedRelease, type WorkerRecords } from '../../bench/lib/paced-releases.js';
import { sentCalls, summarizeSendTiming, type SentCall } from '../../bench/lib/send-timing.js';

const NO_HELD = { paused: 0, reduced: 0, other: 0 };

describe("the workers' records of paced sends", () => {
  const releases: PacedRelease[] = [];
  let stack: WriteStack;
  beforeAll(async () => {
    // Before the worker: the stack installs the quiet runtime only when none is installed.
    installQuietRuntime({ sink: releaseSink(releases) });
    stack = await startWriteStack({ taskQueuePrefix: 'releases', connections: [{ id: 'rel-1', system: 'sap', writesPerMinute: 120 }] });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('records when the gate had each paced POST and let it go, and the summary pairs them with dispatch and arrival', async () => {
    const writes = await Promise.all(
      [0, 1, 2].map(async (i) => {
        const key = uniqueKey(`rel${i}`);
        const handle = await startCreatePurchaseOrder(stack.client, poInput('rel-1', key), { taskQueue: stack.taskQueue });
        return { handle, key };
      }),
    );
    await Promise.all(writes.map((w) => w.handle.result()));
    const posts = releases.filter((r) => writes.some((w) => w.handle.workflowId === r.workflowId));
    // One record per POST, none for the other calls of the write (profile, look-up, read back are not paced).
    expect(posts.map((r) => r.workflowId).sort()).toEqual(writes.map((w) => w.handle.workflowId).sort());
    for (const r of posts) {
      expect(r.connectionId).toBe('rel-1');
      expect(r.releasedAtMs).toBeGreaterThanOrEqual(r.enteredAtMs + r.spacingWaitMs);
    }
    const log = await stack.sb.sandbox.admin.requestLog('rel-1');
    const summary = summarizeSendTiming(await sentCalls(writes, 'createPurchaseOrder', log), 60_000, [{ releases, stalls: [] }]);
    expect(summary.calls).toBe(3);
    expect(summary.worker?.matched).toBe(3);
    // Server and worker share this machine's clock; the server's dispatch comes first (ms rounding aside).
    expect(summary.worker!.takeUpP50Ms).toBeGreaterThan(-5);
  });
});

describe('the split of the oldest POST of a 429 minute', () => {
  const at = 1_800_000_000_000;
  const call = (workflowId: string, dispatchedMs: number, arrivedMs: number, status = 201): SentCall => ({
    workflowId,
    nth: 0,
    dispatchedMs,
    arrivedMs,
    status,
  });
  // Worker 2 took the first POST up 768 ms late while its event loop was blocked; the POST
  // 60.5 s later went at once on worker 1 and came 59.7 s after it: one too many in the minute.
  const sent = { sent: [call('w-old', at, at + 778), call('w-new', at + 60_500, at + 60_510, 429)], held: NO_HELD };
  const workers: WorkerRecords[] = [
    {
      releases: [{ workflowId: 'w-new', connectionId: 'c', enteredAtMs: at + 60_502, releasedAtMs: at + 60_503, spacingWaitMs: 0 }],
      stalls: [],
    },
    {
      releases: [{ workflowId: 'w-old', connectionId: 'c', enteredAtMs: at + 768, releasedAtMs: at + 770, spacingWaitMs: 0 }],
      stalls: [
        { endedAtMs: at - 5_000, blockedMs: 900, cpuMs: 880 },
        { endedAtMs: at + 760, blockedMs: 700, cpuMs: 120 },
      ],
    },
  ];

  it("says which worker process had it, how long it took the task up, its event loop's stall then, the spacing and the request", () => {
    const [limited] = summarizeSendTiming(sent, 60_000, workers).limited;
    expect(limited).toMatchObject({ position: 2, windowSpanMs: 59_732, oldestDelayMs: 778, delayMs: 10 });
    // The stall 5 s before the dispatch is not this call's.
    expect(limited!.oldestParts).toEqual({
      worker: 1,
      takeUpMs: 768,
      stallMs: 700,
      stallCpuMs: 120,
      spacingWaitMs: 0,
      gateMs: 2,
      requestMs: 8,
    });
  });

  it('leaves the split out when the workers kept no records', () => {
    const summary = summarizeSendTiming(sent, 60_000);
    expect(summary.limited[0]!.oldestParts).toBeUndefined();
    expect(summary.worker).toBeUndefined();
  });
});
