// The chaos run, small enough for CI: every write type, in chains, on paced connections, through
// seeded faults (committed and not), worker processes SIGKILLed, two workers at once and a Temporal
// server restart; the sandbox's state and request log must show every write exactly once, every
// refusal writing nothing, every failure typed and non-retryable, and every fault kind the config
// enables hitting writes. One connection per passthrough dialect (netsuite-rest, sap-odata,
// dynamics-batch) writes its PO creates through Makini's passthrough: each has a create that
// completes, one whose line the system refuses, and faults on its native writes.
//
// Why this seed and why chaos on the reads of one connection only: 80 writes make about 150 write
// requests, too few for each of the 14 fault kinds (10 kinds, 4 of them committed or not) to hit a
// write by luck every time. Where chaos hits POST and PUT only, the sandbox gives the k-th write
// request of a connection the k-th roll of its seeded sequence, whatever the order of the writes;
// so which kinds hit writes is fixed by the seed, and the first test checks that it covers every
// kind within 70% of the write requests the plan is sure to send, and that each passthrough
// connection's creates (sent first on it: its chains start at once) get a fault. chaos-sap keeps faults on reads
// too (lookups and read-backs retried through faults); `npm run chaos` faults every read.
import { describe, expect, it } from 'vitest';
import { expectedFaultKinds, faultsOfFirstRolls } from '../../bench/lib/chaos-faults.js';
import { CHAOS_RATES, formatChaosReport, runChaos, chaosConfigOf, type ChaosOptions } from '../../bench/lib/chaos-run.js';
import { CHAOS_CONNECTIONS, planChaos, plannedWriteRequests } from '../../bench/lib/chaos-plan.js';
import { WRITE_TYPE_NAMES } from '../../src/client/index.js';

const RUN: ChaosOptions = { writes: 80, seed: 100, kills: 2, restartServer: true, timeoutMs: 240_000, readFaultsOn: ['chaos-sap'] };
const SURE_SHARE = 0.7;

describe('chaos run (CI size)', () => {
  it('its seed puts every enabled fault kind on writes', () => {
    const plan = planChaos(RUN.writes, RUN.seed, 'x');
    const requests = plannedWriteRequests(plan);
    const covered = new Set<string>();
    let appliedThen500 = 0;
    for (const c of CHAOS_CONNECTIONS) {
      if (RUN.readFaultsOn?.includes(c.id)) continue;
      const first = faultsOfFirstRolls(chaosConfigOf(RUN, c.id), Math.floor(requests[c.id]! * SURE_SHARE));
      for (const kind of Object.keys(first.kinds)) covered.add(kind);
      appliedThen500 += first.appliedThen500;
    }
    for (const c of CHAOS_CONNECTIONS.filter((x) => x.passthrough)) {
      const creates = plan.chains.filter((ch) => ch.connectionId === c.id && ch.writes[0]!.expect === 'succeed');
      expect(creates.length, `${c.passthrough}: a create that can complete`).toBeGreaterThan(0);
      const sent = plan.chains.filter((ch) => ch.connectionId === c.id && !(ch.writes[0]!.data as { forbidden?: boolean }).forbidden);
      const first = faultsOfFirstRolls(chaosConfigOf(RUN, c.id), sent.length);
      expect(Object.keys(first.kinds), `seed ${RUN.seed}: no fault on the ${c.passthrough} creates: choose another seed`).not.toEqual([]);
    }
    const refusedLines = plan.chains.filter((ch) => ch.writes[0]!.data.kind === 'po-create' && ch.writes[0]!.data.refusedLine);
    expect(refusedLines.length, 'a passthrough create with a line the system refuses').toBeGreaterThan(0);
    const missing = expectedFaultKinds(chaosConfigOf(RUN, CHAOS_CONNECTIONS[0]!.id)).filter((k) => !covered.has(k));
    const why = `seed ${RUN.seed} no longer puts every kind on writes (rates ${JSON.stringify(CHAOS_RATES)}): choose another seed`;
    expect(missing, why).toEqual([]);
    expect(appliedThen500, why).toBeGreaterThan(0);
  });

  it('80 writes of every type through faults, kills and a server restart: no violation', async () => {
    const report = await runChaos(RUN);
    console.log(formatChaosReport(report));
    expect(report.violations).toEqual([]);
    expect(report.faultKindsMissing).toEqual([]);
    // The run really was hostile, and really wrote every type.
    expect(report.kills).toBe(2);
    expect(report.serverRestarts).toBe(1);
    expect(report.maxWorkersAtOnce).toBeGreaterThanOrEqual(2);
    for (const t of WRITE_TYPE_NAMES) expect(report.byType[t]?.completed ?? 0, `${t} completed`).toBeGreaterThan(0);
    expect(report.faults.appliedThen['500'] ?? 0, 'a write applied, then answered 500').toBeGreaterThan(0);
    // Every dialect wrote through the passthrough, under faults, and a refused line was refused.
    expect(Object.keys(report.passthrough).sort()).toEqual(['dynamics-batch', 'netsuite-rest', 'sap-odata']);
    for (const [dialect, n] of Object.entries(report.passthrough)) {
      expect(n.completed, `${dialect} creates completed`).toBeGreaterThan(0);
      expect(n.faultsOnWrites, `${dialect} native writes faulted`).toBeGreaterThan(0);
    }
    expect(
      Object.values(report.passthrough).reduce((a, n) => a + n.refused, 0),
      'creates refused for a line',
    ).toBeGreaterThan(0);
  }, 300_000);
});
