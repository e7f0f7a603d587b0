// A history event's timestamp by the Temporal server's clock.
import type { temporal } from '@temporalio/proto';

export type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** The event's server timestamp in epoch ms. */
export const eventMs = (e: HistoryEvent): number => Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6);
