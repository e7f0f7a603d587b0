// The cluster's PostgreSQL: the system's server binaries (installed with apt-get when missing and
// we may), a data directory of our own, listening on one loopback port only, and the
// start / stop / restart the chaos run needs. PostgreSQL refuses to run as root, so under root
// every server command runs as the `postgres` OS user (runuser), in a directory it owns.
import { execFile, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  appendFileSync,
  chmodSync,
  chownSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';

/** The database role Temporal connects as (the data directory's superuser, as in the compose file). */
export const POSTGRES_USER = 'temporal';
/** OS user that runs the server when we are root. */
const SERVER_OS_USER = 'postgres';
const REQUIRED_BINARIES = ['initdb', 'pg_ctl', 'postgres'] as const;
const INSTALL_HINT =
  'install the PostgreSQL server (Debian/Ubuntu: `sudo apt-get install postgresql`; Fedora: `sudo dnf install postgresql-server`), ' +
  'or set POSTGRES_BIN_DIR to the folder holding initdb, pg_ctl and postgres';

const isRoot = () => process.getuid?.() === 0;

function hasBinaries(dir: string): boolean {
  return REQUIRED_BINARIES.every((b) => {
    try {
      accessSync(join(dir, b), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * POSTGRES_BIN_DIR, then Debian's /usr/lib/postgresql/<version>/bin (the data directory's version
 * when given, a newer server cannot open it; else the newest), then `pg_config --bindir`, then PATH.
 */
export function findPostgresBinDir(dataVersion?: string): string | undefined {
  const fromEnv = process.env.POSTGRES_BIN_DIR;
  if (fromEnv) {
    if (!hasBinaries(fromEnv)) throw new Error(`POSTGRES_BIN_DIR=${fromEnv} does not hold ${REQUIRED_BINARIES.join(', ')}`);
    return fromEnv;
  }
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const versions = readdirSync(debian)
      .filter((v) => /^\d+$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    if (dataVersion && versions.includes(dataVersion)) versions.unshift(dataVersion);
    for (const v of versions) if (hasBinaries(join(debian, v, 'bin'))) return join(debian, v, 'bin');
  }
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  if (pgConfig.status === 0 && hasBinaries(pgConfig.stdout.trim())) return pgConfig.stdout.trim();
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && hasBinaries(dir)) return dir;
  return undefined;
}

/** Finds the server binaries, installing the `postgresql` package with apt-get when we run as root; else says what to install. */
export function ensurePostgresBinaries(log: (msg: string) => void, dataVersion?: string): string {
  const found = findPostgresBinDir(dataVersion);
  if (found) return found;
  const hasApt = spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status === 0;
  if (!isRoot() || !hasApt) throw new Error(`PostgreSQL server binaries (${REQUIRED_BINARIES.join(', ')}) not found: ${INSTALL_HINT}`);
  log('[cluster] PostgreSQL server not found; installing the `postgresql` package with apt-get');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () => spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], { env, stdio: 'inherit' });
  // A fresh machine may have no package lists yet: update once, then try again.
  if (install().status !== 0) {
    spawnSync('apt-get', ['update'], { env, stdio: 'inherit' });
    if (install().status !== 0) throw new Error(`apt-get install postgresql failed (output above): ${INSTALL_HINT}`);
  }
  const installed = findPostgresBinDir();
  if (!installed) throw new Error(`apt-get installed postgresql, yet ${REQUIRED_BINARIES.join(', ')} are not found: ${INSTALL_HINT}`);
  return installed;
}

export interface PostgresOptions {
  /** Folder of its own: `data/` (the cluster), `password`, `postgres.log`. Kept across runs. */
  dir: string;
  port: number;
  log?: (msg: string) => void;
}

/** A PostgreSQL server of our own on 127.0.0.1:`port`; create with `Postgres.prepare`. */
export class Postgres {
  readonly host = '127.0.0.1';
  readonly user = POSTGRES_USER;

  private constructor(
    private readonly binDir: string,
    readonly dir: string,
    readonly port: number,
    /** Generated once per data directory, kept in `<dir>/password` (mode 600); never logged. */
    readonly password: string,
    private readonly log: (msg: string) => void,
  ) {}

  get dataDir(): string {
    return join(this.dir, 'data');
  }

  get logFile(): string {
    return join(this.dir, 'postgres.log');
  }

  /** Finds (or installs) the binaries and creates the data directory if it does not exist yet; does not start the server. */
  static prepare(opts: PostgresOptions): Postgres {
    const log = opts.log ?? (() => undefined);
    const versionFile = join(opts.dir, 'data', 'PG_VERSION');
    const binDir = ensurePostgresBinaries(log, existsSync(versionFile) ? readFileSync(versionFile, 'utf8').trim() : undefined);
    // Parents with the default mode (the server's OS user must pass through them), the folder itself private.
    mkdirSync(dirname(opts.dir), { recursive: true });
    mkdirSync(opts.dir, { recursive: true, mode: 0o700 });
    const passwordFile = join(opts.dir, 'password');
    if (!existsSync(passwordFile)) writeFileSync(passwordFile, `${randomBytes(24).toString('hex')}\n`, { mode: 0o600 });
    const pg = new Postgres(binDir, opts.dir, opts.port, readFileSync(passwordFile, 'utf8').trim(), log);
    pg.ownDir();
    if (!existsSync(join(pg.dataDir, 'PG_VERSION'))) pg.initdb(passwordFile);
    return pg;
  }

  /** Starts the server (stopping one left running by an earlier run first) and waits until it accepts connections. */
  start(): void {
    if (this.isRunning()) {
      this.log(`[cluster] PostgreSQL in ${this.dataDir} is still running from an earlier run; restarting it`);
      this.pgCtl(['stop', '-m', 'fast']);
    }
    this.writeSettings();
    this.pgCtl(['start', '-l', this.logFile]);
  }

  /** Stops the server; `immediate` is a crash (recovery from WAL at the next start), `fast` a clean shutdown. */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    if (this.isRunning()) this.pgCtl(['stop', '-m', mode]);
  }

  /**
   * Stops and starts again on the same port and data, resolving once it accepts connections.
   * Asynchronous: the caller (the chaos run) keeps serving its own work meanwhile.
   */
  async restart(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    const [file, argv] = this.command(join(this.binDir, 'pg_ctl'), ['restart', '-m', mode, '-l', this.logFile, ...this.pgCtlTail()]);
    await new Promise<void>((resolve, reject) =>
      execFile(file, argv, { cwd: this.dir }, (err, stdout, stderr) =>
        err
          ? reject(
              new Error(
                `pg_ctl restart (PostgreSQL in ${this.dataDir}) failed: ${`${stdout}${stderr}`.trim().slice(-2000)}; see ${this.logFile}`,
              ),
            )
          : resolve(),
      ),
    );
  }

  isRunning(): boolean {
    // pg_ctl status: 0 running, 3 not running, 4 no data directory.
    return this.run(join(this.binDir, 'pg_ctl'), ['status', '-D', this.dataDir]).status === 0;
  }

  private initdb(passwordFile: string): void {
    this.log(`[cluster] creating a PostgreSQL data directory in ${this.dataDir}`);
    const r = this.run(join(this.binDir, 'initdb'), [
      '-D',
      this.dataDir,
      '-U',
      POSTGRES_USER,
      `--pwfile=${passwordFile}`,
      '--auth-host=scram-sha-256',
      '--auth-local=peer',
      '-E',
      'UTF8',
      '--locale=C',
    ]);
    if (r.status !== 0) throw new Error(`initdb -D ${this.dataDir} failed (exit ${r.status}): ${output(r)}`);
    // Our settings live in their own file, rewritten at every start (the port may change).
    appendFileSync(
      join(this.dataDir, 'postgresql.conf'),
      "\n# makini-writes cluster (scripts/lib/cluster/postgres.ts)\ninclude = 'makini-writes.conf'\n",
    );
  }

  private writeSettings(): void {
    const file = join(this.dataDir, 'makini-writes.conf');
    writeFileSync(
      file,
      [
        '# Written at every start by scripts/lib/cluster/postgres.ts.',
        "listen_addresses = '127.0.0.1'",
        `port = ${this.port}`,
        // TCP only: no socket in /var/run/postgresql shared with a system PostgreSQL.
        "unix_socket_directories = ''",
        // Five Temporal processes with up to 20 + 2 connections each, and the schema tool.
        'max_connections = 300',
        'shared_buffers = 256MB',
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    if (isRoot()) this.chownToServerUser(file);
  }

  /** Under root: the directory belongs to the server's OS user, and its parents let it in. */
  private ownDir(): void {
    if (!isRoot()) return;
    this.chownToServerUser(this.dir);
    this.chownToServerUser(join(this.dir, 'password'));
  }

  private chownToServerUser(path: string): void {
    const ids = spawnSync('id', ['-u', SERVER_OS_USER], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', SERVER_OS_USER], { encoding: 'utf8' });
    if (ids.status !== 0 || gids.status !== 0) {
      throw new Error(
        `PostgreSQL does not run as root, and there is no "${SERVER_OS_USER}" OS user to run it as: ` +
          `create one (useradd --system --home /var/lib/postgresql ${SERVER_OS_USER}) or run this as another user`,
      );
    }
    chownSync(path, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
    if (path === this.dir) chmodSync(path, 0o700);
  }

  private pgCtlTail(): string[] {
    return ['-D', this.dataDir, '-w', '-t', '120'];
  }

  private pgCtl(args: string[]): void {
    const r = this.run(join(this.binDir, 'pg_ctl'), [...args, ...this.pgCtlTail()]);
    if (r.status !== 0) {
      throw new Error(
        `pg_ctl ${args[0]} (PostgreSQL in ${this.dataDir}, port ${this.port}) failed (exit ${r.status}): ${output(r)}; see ${this.logFile}`,
      );
    }
  }

  /** Runs a PostgreSQL binary, as the server's OS user when we are root. */
  private run(cmd: string, args: string[]): SpawnSyncReturns<string> {
    const [file, argv] = this.command(cmd, args);
    // cwd: a folder the server's user may enter (it refuses to run from one it cannot read).
    return spawnSync(file, argv, { encoding: 'utf8', cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  private command(cmd: string, args: string[]): [string, string[]] {
    return isRoot() ? ['runuser', ['-u', SERVER_OS_USER, '--', cmd, ...args]] : [cmd, args];
  }
}

const output = (r: SpawnSyncReturns<string>) => `${r.error?.message ?? ''}${r.stdout ?? ''}${r.stderr ?? ''}`.trim().slice(-2000);
