// The images build where a Docker engine runs (this project's own machines have none: `docker`
// answers, the engine does not, so the test is skipped there, saying why). `npm run build`, which
// the worker image runs, is tested everywhere by test/integration/package.test.ts.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
const engine = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { encoding: 'utf8' });
const hasEngine = engine.status === 0 && engine.stdout.trim() !== '';

describe('Dockerfile', () => {
  it.skipIf(!hasEngine).each(['worker', 'sandbox'])(
    'builds the %s image (skipped without a Docker engine: no engine on this machine)',
    (target) => {
      const r = spawnSync('docker', ['build', '--target', target, '-t', `makini-writes-test-${target}:local`, '.'], {
        cwd: root,
        encoding: 'utf8',
        timeout: 900_000,
      });
      expect(r.status, r.stderr.slice(-2000)).toBe(0);
    },
    900_000,
  );
});
