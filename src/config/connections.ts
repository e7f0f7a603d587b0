// The connections config file: which Makini connections this worker writes to, and where each
// token comes from. Tokens themselves never live in this file.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { formatZodIssues } from './format-issues.js';

/**
 * Where a connection's bearer token is read: an env var, a file, a named pluggable provider, or
 * `oauth: true`: OAuth tokens in the worker's token store, refreshed before they expire
 * (src/config/oauth-tokens.ts; the first ones from `makini-writes oauth-connect`).
 */
export const tokenSourceSchema = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name in UPPER_SNAKE_CASE') }),
  z.strictObject({ file: z.string().min(1) }),
  z.strictObject({ provider: z.string().min(1) }),
  z.strictObject({ oauth: z.literal(true) }),
]);

export const connectionSchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/, 'letters, digits, dot, dash or underscore (max 128)'),
  token: tokenSourceSchema,
  /** Provider as Makini names it; when absent it is read from GET /api/integrations/current. */
  system: z.string().min(1).optional(),
  /** This connection's write budget; defaults to the system profile's. */
  writesPerMinute: z.number().positive().optional(),
  /** Per-connection write-profile overrides (validated by the profile schema when applied). */
  overrides: z.record(z.string(), z.unknown()).optional(),
});
export type ConnectionConfig = z.infer<typeof connectionSchema>;

export const connectionsFileSchema = z.strictObject({
  connections: z.array(connectionSchema).superRefine((list, ctx) => {
    const seen = new Set<string>();
    list.forEach((c, i) => {
      if (seen.has(c.id)) ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate connection id "${c.id}"` });
      seen.add(c.id);
    });
  }),
});
export type ConnectionsFile = z.infer<typeof connectionsFileSchema>;

/**
 * A YAML syntax error by kind and position only. The parser's own message quotes the offending
 * line (and sometimes part of it), which may hold a token pasted into the file by mistake.
 */
function describeYamlError(err: unknown): string {
  if (!(err instanceof YAMLParseError)) return `the YAML parser failed (${(err as Error).name})`;
  const at = err.linePos?.[0];
  return `YAML syntax error ${err.code}${at ? ` at line ${at.line}, column ${at.col}` : ''} (the line is not shown: it may hold a secret)`;
}

/** Parses a connections document (YAML or JSON text); throws naming every bad field. */
export function parseConnections(text: string, source: string): ConnectionsFile {
  let raw: unknown;
  try {
    // YAML is a superset of JSON. No warnings: they are printed with the line they are about.
    raw = parseYaml(text, { logLevel: 'error' });
  } catch (err) {
    throw new Error(`${source}: not valid YAML/JSON: ${describeYamlError(err)}`);
  }
  const parsed = connectionsFileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${source}: invalid connections config:\n${formatZodIssues(parsed.error, '', raw)}`);
  return parsed.data;
}

/** Reads and validates the connections file at `path`. */
export function loadConnectionsFile(path: string): ConnectionsFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new Error(`MAKINI_CONNECTIONS_FILE: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  return parseConnections(text, path);
}
