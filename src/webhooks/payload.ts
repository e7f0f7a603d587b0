// The body of a Makini webhook delivery. Makini documents that it carries the event type, a
// timestamp, the connection id and details [docs]; the field names are [assumed] (change them here).
import { z } from 'zod';

export const webhookPayloadSchema = z.object({
  /** e.g. `connection.needs_reauthorization`, `purchase_order.updated` (see MakiniWebhookEvent). */
  type: z.string().min(1).max(200),
  connectionId: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'a connection id: letters, digits, dot, dash or underscore'),
  /** When the event happened (ISO 8601). */
  timestamp: z.string().max(100).optional(),
  /** Event details (the record that changed, the new status, ...). */
  data: z.unknown().optional(),
});
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>;
