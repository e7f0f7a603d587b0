// The README stays true: its connections example is accepted by the worker (overrides included),
// every setting the worker reads is in its configuration table, every npm script it names exists.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConnections } from '../../src/config/connections.js';
import { settingsSchema } from '../../src/config/settings.js';
import { loadBuiltinProfiles } from '../../src/profiles/load-profiles.js';
import { effectiveProfile } from '../../src/profiles/overrides.js';

const root = join(import.meta.dirname, '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };

describe('README', () => {
  it('shows a connections file the worker accepts, overrides included', () => {
    const block = /```yaml\n(connections:[\s\S]*?)```/.exec(readme)?.[1];
    expect(block, 'README has a connections example').toBeDefined();
    const file = parseConnections(block!, 'README.md');
    const builtins = loadBuiltinProfiles();
    for (const c of file.connections) {
      expect(() => effectiveProfile(builtins, c.system ?? 'generic', c.overrides, c.id)).not.toThrow();
    }
  });

  it('documents every setting the worker reads', () => {
    for (const name of Object.keys(settingsSchema.shape)) expect(readme, name).toContain(`\`${name}\``);
  });

  it('names only npm scripts that exist', () => {
    const named = [...readme.matchAll(/npm run ([a-z:-]+)/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(0);
    for (const script of named) expect(pkg.scripts, `npm run ${script}`).toHaveProperty(script);
  });
});
