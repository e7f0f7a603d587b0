// The body of a Makini webhook delivery: the one module that says which fields are read.
// Published [docs: eqcentric/api-docs, docs/webhook/Webhook.md, "Callback payload"]:
//   { "event": "assets.updated", "body": ["16c69269-…", …] }   the event name, and the ids it is about.
// Makini's FAQ says a payload carries "the event type, timestamp, connection ID, and event-specific
// details" [docs] without naming the fields: the connection id and timestamp fields are [assumed],
// `connection_id` and `timestamp` (snake_case, as Makini's API names fields). The connection
// events' names are [assumed] as well (MakiniWebhookEvent, src/makini/workflow/contract.ts).
// To survive other answers, the reader also takes `type` for `event`, `connectionId` for
// `connection_id` and `data` for `body`; a timestamp as ISO 8601, Unix seconds or Unix ms (any other
// form is not checked for staleness). A body without a connection id (Makini's published data event
// has none) is taken and acted on by nobody: nothing in this project reacts to it.
import { z } from 'zod';

const connectionId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a connection id: letters, digits, dot, dash or underscore');
const eventName = z.string().min(1).max(200);

/** What Makini delivers, as far as it is read (other fields are ignored, and still signed). */
export const webhookPayloadSchema = z
  .object({
    /** The event's name, e.g. `assets.updated` [docs] or `connection.online` [assumed]. */
    event: eventName.optional(),
    type: eventName.optional(),
    /** The connection the event is about [assumed name]. */
    connection_id: connectionId.optional(),
    connectionId: connectionId.optional(),
    /** When the event happened [assumed name]: ISO 8601, Unix seconds or Unix ms. */
    timestamp: z.union([z.string().max(100), z.number()]).optional(),
    /** The event's details: for data events the ids of the records that changed [docs]. */
    body: z.unknown().optional(),
    data: z.unknown().optional(),
  })
  .refine((p) => p.event ?? p.type, { message: 'an event name ("event") is required', path: ['event'] })
  .transform((p) => ({
    type: (p.event ?? p.type)!,
    connectionId: p.connection_id ?? p.connectionId,
    timestamp: p.timestamp,
  }));
/** A delivery's event, whichever field names carried it. */
export type WebhookEvent = z.infer<typeof webhookPayloadSchema>;

/** A payload as `webhook-send` and the tests build it: Makini's published fields and the assumed ones. */
export interface WebhookPayload {
  event: string;
  connection_id?: string;
  timestamp?: string | number;
  body?: unknown;
}

/** The event's time in epoch ms, or undefined when the payload carries none this reader understands. */
export function eventTimeMs(timestamp: WebhookEvent['timestamp']): number | undefined {
  if (timestamp === undefined) return undefined;
  const n = typeof timestamp === 'number' ? timestamp : /^\d{1,16}$/.test(timestamp.trim()) ? Number(timestamp) : undefined;
  // Below 10^11 a number is seconds (year 5138 in seconds; 1973 in ms).
  if (n !== undefined) return Number.isFinite(n) ? (n < 1e11 ? n * 1000 : n) : undefined;
  // Only ISO 8601: Date.parse takes almost any text ("1", "May") and makes a date of it.
  const ms = /^\d{4}-\d{2}-\d{2}/.test(timestamp as string) ? Date.parse(timestamp as string) : NaN;
  return Number.isNaN(ms) ? undefined : ms;
}
