// Replays a recorded history against workflow code and says where it diverged: the check that a
// code change is compatible with executions already running in production.
import { readFileSync } from 'node:fs';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import { historyFromJSON, historyToJSON, type History } from '@temporalio/common/lib/proto-utils.js';
import { Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';

export interface LoadedHistory {
  history: History;
  /** Workflow id (from the history's start event, else the file name). */
  workflowId: string;
  /** What the report names: the file, or the workflow id it was fetched by. */
  source?: string;
}

/**
 * The workflow id a history file names in its start event (servers since 1.26 write it). Replay
 * must run under the real id: encrypted payloads are bound to their workflow id and are refused
 * under any other (src/codec/encryption-codec.ts).
 */
function startedWorkflowId(history: History): string | undefined {
  return history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId || undefined;
}

/** Reads a history exported as JSON (Temporal UI download, `temporal workflow show -o json`). */
export function readHistoryFile(path: string): LoadedHistory {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read history ${path}: ${(err as Error).message}`);
  }
  const history = historyFromJSON(json);
  if (!history.events?.length) throw new Error(`${path} holds no history events`);
  return { history, workflowId: startedWorkflowId(history) ?? path, source: path };
}

/**
 * The history of a handle's run as JSON, in the form `temporal workflow show -o json` and the UI's
 * download write and readHistoryFile reads: what a replay fixture is. Payloads stay as the server
 * holds them (encrypted where they are).
 */
export async function exportHistory(handle: Pick<WorkflowHandle, 'fetchHistory'>): Promise<string> {
  return historyToJSON(await handle.fetchHistory());
}

/** Fetches the history of a workflow id (its latest run) from the server. */
export async function fetchHistory(client: Client, workflowId: string): Promise<LoadedHistory> {
  return { history: await client.workflow.getHandle(workflowId).fetchHistory(), workflowId };
}

export type ReplayReport =
  | { ok: true; workflowId: string; source: string; events: number }
  | {
      ok: false;
      workflowId: string;
      /** The file or workflow id replayed (LoadedHistory.source). */
      source: string;
      kind: 'nondeterminism' | 'error';
      /** The core's own explanation ("Activity machine does not handle this event"). */
      message: string;
      /** The history event where code and history diverged, when the core names it. */
      eventId?: number;
      eventType?: string;
      /** What the history holds at that event ("ActivityTaskScheduled resolveWriteProfile"). */
      event?: string;
    };

/** Where the code to replay against comes from: the production workflows unless told otherwise. */
export type WorkflowCode = { workflowsPath: string } | { workflowBundle: WorkflowBundleWithSourceMap };

function describeEvent(history: History, eventId: number): string | undefined {
  const e = history.events?.find((x) => Number(x.eventId) === eventId);
  if (!e) return undefined;
  const type = Object.keys(e).find((k) => k.endsWith('EventAttributes') && (e as Record<string, unknown>)[k] != null);
  const attrs = type ? (e as Record<string, Record<string, { name?: string } | undefined>>)[type] : undefined;
  const name = attrs?.activityType?.name ?? attrs?.workflowType?.name;
  const label = type ? type[0]!.toUpperCase() + type.slice(1).replace(/EventAttributes$/, '') : 'event';
  return `${label}${name ? ` ${name}` : ''}`;
}

/**
 * Replays one history; never throws for a mismatch, it reports it. With `workflowsPath`, the SDK
 * bundles the workflows with `dataConverter`'s failure converter, as the worker does.
 */
export async function replayHistory(loaded: LoadedHistory, code: WorkflowCode, dataConverter?: DataConverter): Promise<ReplayReport> {
  const { history, workflowId } = loaded;
  const source = loaded.source ?? workflowId;
  try {
    await Worker.runReplayHistory({ ...code, dataConverter }, history, workflowId);
    return { ok: true, workflowId, source, events: history.events?.length ?? 0 };
  } catch (err) {
    const text = (err as Error).message;
    const core = /message: "((?:\[TMPRL\d+\] )?[^"]*)"/.exec(text)?.[1] ?? text;
    const at = /HistoryEvent\(id: (\d+), (\w+)\)/.exec(text);
    const eventId = at ? Number(at[1]) : undefined;
    return {
      ok: false,
      workflowId,
      source,
      kind: (err as Error).name === 'DeterminismViolationError' ? 'nondeterminism' : 'error',
      message: core,
      eventId,
      eventType: at?.[2],
      event: eventId !== undefined ? describeEvent(history, eventId) : undefined,
    };
  }
}

/** The report as one line for people. */
export function formatReplayReport(r: ReplayReport): string {
  if (r.ok) return `${r.source}: replayed ${r.events} events without nondeterminism`;
  const where = r.eventId !== undefined ? ` at event ${r.eventId} (the history has ${r.event ?? r.eventType} there)` : '';
  return `${r.source}: ${r.kind === 'nondeterminism' ? 'NONDETERMINISM' : 'replay failed'}${where}: ${r.message}`;
}
