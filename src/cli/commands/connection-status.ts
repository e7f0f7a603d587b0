// `connection-status <connectionId> [--json]`: rate, breaker, reauthorization, waiting writes and
// recent errors of a connection, from its control workflow.
import { blockedWritesQuery, getConnectionStatus, type ConnectionStatus } from '../../connections/control-client.js';
import { EXIT_USAGE, type CliCommand } from '../command.js';
import { withClient } from '../connect.js';
import { CliOptionError, parseOptions } from '../options.js';

const iso = (ms: number | undefined) => (ms === undefined ? '-' : new Date(ms).toISOString());
const inS = (ms: number, now: number) => `${Math.max(0, Math.round((ms - now) / 1000))} s`;

/** The status as lines a person reads. */
export function formatConnectionStatus(connectionId: string, s: ConnectionStatus): string {
  const { rate, breaker, reauth, waiters, recentErrors, recentEvents } = s.state;
  const now = s.asOf;
  const lines = [`connection ${connectionId}: ${s.health} (as of ${iso(now)})`];
  lines.push(
    `  rate:    ${rate.capPerSecond === undefined ? 'configured rate' : `reduced to ${(rate.capPerSecond * 60).toFixed(1)} writes/min after 429s`}` +
      `${rate.pausedUntil !== undefined && rate.pausedUntil > now ? `; paused for ${inS(rate.pausedUntil, now)}` : ''}` +
      `; ${rate.rateLimitedCount} × 429${rate.lastRateLimitedAt ? `, last ${iso(rate.lastRateLimitedAt)}` : ''}`,
  );
  lines.push(
    `  breaker: ${breaker.state}` +
      (breaker.state === 'closed'
        ? ` (${breaker.consecutiveFailures} consecutive failure(s), opens at ${s.state.policy.breakerThreshold})`
        : ` since ${iso(breaker.openedAt)}${breaker.nextProbeAt ? `; next probe in ${inS(breaker.nextProbeAt, now)}` : ''}; ${breaker.probes} probe(s)`) +
      (breaker.lastProbe ? `; last probe ${breaker.lastProbe.outcome}: ${breaker.lastProbe.message}` : ''),
  );
  lines.push(
    `  reauthorization: ${reauth.needed ? `NEEDED since ${iso(reauth.since)} (${reauth.reason ?? 'no reason recorded'})` : 'not needed'}` +
      (reauth.lastReauthorizedAt ? `; last reauthorized ${iso(reauth.lastReauthorizedAt)} by ${reauth.lastReauthorizedBy}` : ''),
  );
  lines.push(
    `  waiting writes: ${waiters.length}${waiters.length ? ` (${waiters.slice(0, 5).join(', ')}${waiters.length > 5 ? ', ...' : ''})` : ''}`,
  );
  lines.push(`  list them: temporal workflow list --query "${blockedWritesQuery(connectionId)}"`);
  if (recentErrors.length) {
    lines.push('  recent errors:');
    for (const e of recentErrors.slice(-10))
      lines.push(`    ${iso(e.at)} ${e.kind}: ${e.message}${e.requestId ? ` (${e.requestId})` : ''}`);
  }
  if (recentEvents.length) {
    lines.push('  recent webhook events:');
    for (const e of recentEvents.slice(-5)) lines.push(`    ${iso(e.at)} ${e.type} (${e.id})`);
  }
  return lines.join('\n');
}

export const connectionStatusCommand: CliCommand = {
  usage: 'connection-status <connectionId> [--json]',
  async run(args) {
    let connectionId: string | undefined;
    let json = false;
    try {
      const o = parseOptions(args, { values: [], flags: ['json'] });
      [connectionId] = o.positional;
      json = o.flags.has('json');
    } catch (err) {
      if (err instanceof CliOptionError) {
        console.error(err.message);
        return EXIT_USAGE;
      }
      throw err;
    }
    if (!connectionId) return EXIT_USAGE;
    return withClient(async (client) => {
      const status = await getConnectionStatus(client, connectionId, { taskQueue: process.env.TEMPORAL_TASK_QUEUE || undefined });
      if (!status) {
        console.log(json ? 'null' : `connection ${connectionId}: ok (no 429, 5xx, 401 or webhook event recorded yet)`);
        return 0;
      }
      console.log(json ? JSON.stringify(status, null, 2) : formatConnectionStatus(connectionId, status));
      return 0;
    });
  },
};
