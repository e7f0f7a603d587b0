// `connection-status <connectionId> [--json]`: rate, breaker, reauthorization, waiting writes and
// recent errors of a connection, from its control workflow.
import { blockedWritesQuery, getConnectionStatus, type ConnectionStatus } from '../../connections/control-client.js';
import { flag, JSON_OPTION, printJson, type CliCommand } from '../command.js';
import { withClient } from '../connect.js';
import { positionals } from '../options.js';
import { printable } from '../../observability/printable.js';

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
      (breaker.lastProbe ? `; last probe ${breaker.lastProbe.outcome}: ${printable(breaker.lastProbe.message)}` : ''),
  );
  lines.push(
    `  reauthorization: ${reauth.needed ? `NEEDED since ${iso(reauth.since)} (${reauth.reason ?? 'no reason recorded'})` : 'not needed'}` +
      (reauth.lastReauthorizedAt ? `; last reauthorized ${iso(reauth.lastReauthorizedAt)} by ${reauth.lastReauthorizedBy}` : ''),
  );
  const token = s.state.token;
  if (token) {
    lines.push(
      `  oauth token: ${token.expiresAt === undefined ? 'no expiry known' : `expires ${iso(token.expiresAt)}`}` +
        `${token.nextAttemptAt !== undefined ? `; next refresh in ${inS(token.nextAttemptAt, now)}` : '; no refresh scheduled'}` +
        (token.last ? `; last ${token.last.outcome} ${iso(token.last.at)}: ${token.last.message}` : ''),
    );
  }
  lines.push(
    `  waiting writes: ${waiters.length}${waiters.length ? ` (${waiters.slice(0, 5).join(', ')}${waiters.length > 5 ? ', ...' : ''})` : ''}`,
  );
  lines.push(`  list them: temporal workflow list --query "${blockedWritesQuery(connectionId)}"`);
  if (recentErrors.length) {
    lines.push('  recent errors:');
    for (const e of recentErrors.slice(-10))
      lines.push(`    ${iso(e.at)} ${e.kind}: ${printable(e.message)}${e.requestId ? ` (${e.requestId})` : ''}`);
  }
  if (recentEvents.length) {
    lines.push('  recent webhook events:');
    for (const e of recentEvents.slice(-5)) lines.push(`    ${iso(e.at)} ${e.type} (${e.id})`);
  }
  return lines.join('\n');
}

export const connectionStatusCommand: CliCommand = {
  name: 'connection-status',
  summary: "a connection's rate, breaker, reauthorization, waiting writes and recent errors",
  usage: '<connectionId>',
  description: "From the connection's control workflow (connection/<queue>/<connectionId>); --json prints its state as is.",
  arguments: { '<connectionId>': 'e.g. acme-sap' },
  options: { json: JSON_OPTION },
  examples: ['makini-writes connection-status acme-sap', 'makini-writes connection-status acme-sap --json'],
  temporal: true,
  async run(args, io) {
    const [connectionId] = positionals(args, ['<connectionId>']) as [string];
    const json = flag(args, 'json');
    return withClient(async (client) => {
      const status = await getConnectionStatus(client, connectionId, { taskQueue: process.env.TEMPORAL_TASK_QUEUE || undefined });
      if (!status) {
        io.out(json ? 'null' : `connection ${connectionId}: ok (no 429, 5xx, 401 or webhook event recorded yet)`);
        return 0;
      }
      if (json) printJson(io, status);
      else io.out(formatConnectionStatus(connectionId, status));
      return 0;
    });
  },
};
