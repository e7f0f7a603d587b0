// What every Makini activity's input has: the connection it calls, by name. The connection gate,
// the call metrics and the write pacing read `connectionId` from the input object (never from a
// position), and a Makini activity whose input lacks it fails with a clear, non-retryable error.
import { z } from 'zod';

/** A connection id as an activity takes it (the connections config decides which exist). */
export const connectionIdSchema = z.string().min(1);

/** A record's fields as a write sends them (the write's own schema checked them before). */
export const fieldsSchema = z.record(z.string(), z.unknown());

/** The connection an activity's input names; undefined when the input is not an object naming one. */
export function connectionIdOf(args: readonly unknown[]): string | undefined {
  const input = args.length === 1 ? args[0] : undefined;
  if (typeof input !== 'object' || input === null) return undefined;
  const id = (input as { connectionId?: unknown }).connectionId;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}
