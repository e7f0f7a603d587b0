// Loads the built-in write profiles (profiles/*.yaml) and applies per-connection overrides.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { writeProfileSchema, type WriteProfile } from './workflow/schema.js';
import { formatZodIssues } from '../config/format-issues.js';

/** Folder of the built-in profiles: `profiles/` at the package root, two levels up from src/profiles/ and from dist/profiles/ alike. */
export const BUILTIN_PROFILES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'profiles');

/** Parses and validates one profile document. */
export function parseProfile(text: string, source: string): WriteProfile {
  const raw: unknown = parseYaml(text);
  const parsed = writeProfileSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`${source}: invalid write profile:\n${formatZodIssues(parsed.error, '', raw)}`);
  return parsed.data;
}

/** Every built-in profile keyed by system; throws on an invalid or duplicated file. */
export function loadBuiltinProfiles(dir: string = BUILTIN_PROFILES_DIR): Map<string, WriteProfile> {
  const out = new Map<string, WriteProfile>();
  for (const file of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const profile = parseProfile(readFileSync(join(dir, file), 'utf8'), join(dir, file));
    if (out.has(profile.system)) throw new Error(`${file}: system "${profile.system}" is defined twice`);
    out.set(profile.system, profile);
  }
  return out;
}
