// Finds the `temporal` CLI (TEMPORAL_CLI_PATH, then PATH, then the cache outside the repo) and,
// when it is missing, builds the pinned version with `go install`.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The pinned CLI; newer tags carry a replace directive and cannot be go-installed. */
export const TEMPORAL_CLI_VERSION = 'v1.5.1';
const MODULE = 'github.com/temporalio/cli/cmd/temporal';

/** Whether `path` is a file this process may run. */
export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Folder where the built CLI is cached across clones (never inside the repo). */
export function cliCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'makini-writes', `temporal-cli-${TEMPORAL_CLI_VERSION}`);
}

/** Returns the path of an existing CLI, or undefined. */
export function findTemporalCli(): string | undefined {
  const fromEnv = process.env.TEMPORAL_CLI_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`TEMPORAL_CLI_PATH=${fromEnv} is not an executable file`);
    return fromEnv;
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && isExecutable(join(dir, 'temporal'))) return join(dir, 'temporal');
  }
  const cached = join(cliCacheDir(), 'temporal');
  return isExecutable(cached) ? cached : undefined;
}

/** Finds the CLI or builds it into the cache; throws with the build output when Go fails. */
export function ensureTemporalCli(log: (msg: string) => void = console.log): string {
  const found = findTemporalCli();
  if (found) return found;
  const dir = cliCacheDir();
  mkdirSync(dir, { recursive: true });
  log(`[makini-writes] Temporal CLI not found; building ${MODULE}@${TEMPORAL_CLI_VERSION} with go install into ${dir}`);
  log('[makini-writes] the first build downloads modules and compiles for a few minutes; later starts reuse it');
  const r = spawnSync('go', ['install', `${MODULE}@${TEMPORAL_CLI_VERSION}`], {
    env: { ...process.env, GOBIN: dir },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (r.error) throw new Error(`cannot run go (${r.error.message}); install Go or set TEMPORAL_CLI_PATH`);
  if (r.status !== 0) {
    throw new Error(
      `go install ${MODULE}@${TEMPORAL_CLI_VERSION} failed (exit ${r.status}); ` +
        'check `go env GOPROXY GOSUMDB GOFLAGS`, or set TEMPORAL_CLI_PATH to an existing binary',
    );
  }
  const built = join(dir, 'temporal');
  if (!isExecutable(built)) throw new Error(`go install succeeded but ${built} is missing`);
  log(`[makini-writes] built ${built}`);
  return built;
}
