// What the passthrough integration tests share: the native requests the sandbox logged (the body of
// each POST /api/passthrough), quick waits, and the summaries of a write's timers.
import type { WorkflowHandle } from '@temporalio/client';
import { MakiniPath } from '../../src/makini/workflow/contract.js';
import type { TestSandbox } from './sandbox.js';

/** The body of one POST /api/passthrough: the request to the system's own API. */
export interface PassthroughBody<B = unknown> {
  path: string;
  method: string;
  headers?: Record<string, string>;
  query?: Record<string, string>;
  body?: B;
}

/** Every passthrough call of a connection, its inner request as `inner`. */
export async function passthroughCalls<B = unknown>(sb: TestSandbox, connectionId: string) {
  return (await sb.sandbox.admin.requestLog(connectionId))
    .filter((r) => r.path === MakiniPath.passthrough())
    .map((r) => ({ ...r, inner: r.body as PassthroughBody<B> }));
}

/** Waits that spend little time, every decision the production one. */
export const QUICK_BUDGET = { ambiguousSettleMs: 300, baseBackoffMs: 200, maxBackoffMs: 400 };

/** The summary of every timer the write started. */
export const timerSummaries = async (h: WorkflowHandle) =>
  ((await h.fetchHistory()).events ?? [])
    .filter((e) => e.timerStartedEventAttributes)
    .map((e) => Buffer.from(e.userMetadata?.summary?.data ?? new Uint8Array()).toString());
