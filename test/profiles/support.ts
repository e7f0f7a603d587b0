// Shared fixtures of the profile tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUILTIN_PROFILES_DIR, loadBuiltinProfiles } from '../../src/profiles/load-profiles.js';
import { type WriteProfile } from '../../src/profiles/workflow/schema.js';

export const builtins: Map<string, WriteProfile> = loadBuiltinProfiles();

/** A built-in profile that must exist. */
export function profile(system: string): WriteProfile {
  const p = builtins.get(system);
  if (!p) throw new Error(`no built-in profile ${system}`);
  return p;
}

export interface PlatformRule {
  required: string[];
  optional: string[];
}
export interface PlatformValidation {
  source: string;
  rules: Record<string, Record<string, PlatformRule>>;
}

/** Makini's published per-platform required fields (data/makini/platform-validation.json). */
export const platformValidation: PlatformValidation = JSON.parse(
  readFileSync(join(BUILTIN_PROFILES_DIR, '..', 'data', 'makini', 'platform-validation.json'), 'utf8'),
) as PlatformValidation;

/** `rule:field` of each violation, sorted: what the tables compare. */
export const summary = (vs: { rule: string; field: string }[]) => vs.map((v) => `${v.rule}:${v.field}`).sort();
