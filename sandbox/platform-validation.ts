// The required/optional fields Makini publishes per platform and write (data/makini/platform-validation.json).
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const fieldRulesSchema = z.object({ required: z.array(z.string()), optional: z.array(z.string()) });
export type FieldRules = z.infer<typeof fieldRulesSchema>;

const platformValidationSchema = z.object({
  source: z.string(),
  /** operation ("POST work-orders") → provider ("emaint") → fields. */
  rules: z.record(z.string(), z.record(z.string(), fieldRulesSchema)),
});
export type PlatformValidation = z.infer<typeof platformValidationSchema>;

const FILE = new URL('../data/makini/platform-validation.json', import.meta.url);

/** Parsed once at load: a broken file should fail the sandbox's start, not a request. */
export const platformValidation: PlatformValidation = platformValidationSchema.parse(JSON.parse(readFileSync(FILE, 'utf8')));

/** The rules of one operation for one provider, if Makini publishes them. */
export function rulesFor(operation: string, provider: string): FieldRules | undefined {
  return platformValidation.rules[operation]?.[provider];
}

/** Top-level field names of a rule list (`parts.*.partKey` → `parts`). */
export const topLevelFields = (fields: readonly string[]) => [...new Set(fields.map((f) => f.split('.')[0]!))];
