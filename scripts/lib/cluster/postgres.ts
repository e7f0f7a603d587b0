// The cluster's PostgreSQL: the system's server binaries (installed with apt-get, pinned and
// announced, when missing and we may), a data directory of our own, listening on one loopback
// port only, and the start / stop / restart the chaos run needs. PostgreSQL refuses to run as root, so under root
// every server command runs as the `postgres` OS user (runuser), in a directory it owns.
//
// The folder may sit in a shared MAKINI_CLUSTER_DIR, and under root what we touch there we touch
// as root: nothing already there is trusted. The folder and the password file must be our own
// (owner, private mode, never a symbolic link) or they are refused; they are opened without
// following links and checked, chowned and read through the open descriptor, so what was checked
// is what is used.
import { execFile, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fchmodSync,
  fchownSync,
  fstatSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
  type Stats,
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

/** What ensurePostgresBinaries asks of the machine (a test stands in for it: nothing is installed). */
export interface PostgresHost {
  env: NodeJS.ProcessEnv;
  isRoot: boolean;
  findBinDir(dataVersion?: string): string | undefined;
  /** Runs a command; with `show`, its output goes to the terminal (apt-get), else it is returned. */
  run(cmd: string, args: string[], opts?: { show?: boolean }): { status: number | null; stdout: string };
}

const thisMachine: PostgresHost = {
  env: process.env,
  isRoot: isRoot(),
  findBinDir: findPostgresBinDir,
  run(cmd, args, opts) {
    // LC_ALL=C: apt-cache's answers are parsed; noninteractive: no debconf question stops npm test.
    const env = { ...process.env, LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' };
    const r = spawnSync(cmd, args, { encoding: 'utf8', env, stdio: ['ignore', opts?.show ? 'inherit' : 'pipe', 'inherit'] });
    return { status: r.status, stdout: r.stdout ?? '' };
  },
};

/**
 * The one package apt would install for the distribution's PostgreSQL, pinned: the major the
 * `postgresql` metapackage depends on (bookworm 15, noble 16; any 12+ serves Temporal's
 * postgres12 plugin) at the candidate version of this machine's apt sources, e.g.
 * `postgresql-15=15.20-0+deb12u1`. A version fixed in this repository would fail on every other
 * distribution and once the archive moved on (Debian keeps only the newest); a pin read here means
 * what is announced is what is installed, nothing newer slipped in between, and no metapackage
 * moves the major under us. Undefined without package lists that offer it.
 */
function pinnedPostgresPackage(host: PostgresHost): string | undefined {
  const depends = host.run('apt-cache', ['depends', 'postgresql']);
  const major = /^\s*Depends:\s*(postgresql-\d+)\s*$/m.exec(depends.stdout)?.[1];
  if (depends.status !== 0 || !major) return undefined;
  const candidate = /^\s*Candidate:\s*(\S+)\s*$/m.exec(host.run('apt-cache', ['policy', major]).stdout)?.[1];
  return candidate && candidate !== '(none)' ? `${major}=${candidate}` : undefined;
}

/**
 * Finds the server binaries. When they are missing and we run as root with apt, installs the
 * distribution's PostgreSQL pinned to one exact version, saying what and why before it runs;
 * MAKINI_NO_INSTALL=1 turns that into an error naming the command. Otherwise says what to install.
 */
export function ensurePostgresBinaries(log: (msg: string) => void, dataVersion?: string, host: PostgresHost = thisMachine): string {
  const found = host.findBinDir(dataVersion);
  if (found) return found;
  const missing = `PostgreSQL server binaries (${REQUIRED_BINARIES.join(', ')}) not found`;
  if (!host.isRoot || host.run('apt-get', ['--version']).status !== 0) throw new Error(`${missing}: ${INSTALL_HINT}`);
  const noInstall = host.env.MAKINI_NO_INSTALL === '1';
  const refused = `${missing}, and MAKINI_NO_INSTALL=1: nothing is installed.`;
  let updated = false;
  const update = (why: string) => {
    log(`[cluster] ${why}: running apt-get update`);
    host.run('apt-get', ['update'], { show: true });
    updated = true;
  };
  let pin = pinnedPostgresPackage(host);
  if (!pin) {
    if (noInstall)
      throw new Error(
        `${refused} This machine has no package lists that offer PostgreSQL (apt-get update would come first): ${INSTALL_HINT}`,
      );
    update(`${missing}, and no package lists offer PostgreSQL yet`);
    pin = pinnedPostgresPackage(host);
    if (!pin) throw new Error(`${missing}, and after apt-get update no package list offers postgresql: ${INSTALL_HINT}`);
  }
  const command = (p: string) => ['apt-get', 'install', '-y', '--no-install-recommends', p];
  if (noInstall) throw new Error(`${refused} To install what it would, as root: \`${command(pin).join(' ')}\`; or ${INSTALL_HINT}`);
  const install = (p: string) => {
    log(
      `[cluster] ${missing}: the Temporal cluster (npm run cluster, and npm test's last stage) runs on PostgreSQL. ` +
        `Installing ${p} (the distribution's PostgreSQL at the version its apt sources offer now): ${command(p).join(' ')} ` +
        '(set MAKINI_NO_INSTALL=1 to install nothing and be told what to install)',
    );
    return host.run('apt-get', command(p).slice(1), { show: true }).status === 0;
  };
  if (!install(pin)) {
    // Stale lists name a version the mirror no longer holds: read them afresh once.
    if (updated) throw new Error(`\`${command(pin).join(' ')}\` failed (output above): ${INSTALL_HINT}`);
    update(`\`${command(pin).join(' ')}\` failed (its package lists may be stale)`);
    pin = pinnedPostgresPackage(host) ?? pin;
    if (!install(pin)) throw new Error(`\`${command(pin).join(' ')}\` failed (output above): ${INSTALL_HINT}`);
  }
  const installed = host.findBinDir();
  if (!installed) throw new Error(`apt-get installed ${pin}, yet ${REQUIRED_BINARIES.join(', ')} are not found: ${INSTALL_HINT}`);
  return installed;
}

/** The server's OS user's ids (under root every server command runs as it). */
function serverIds(): { uid: number; gid: number } {
  const ids = spawnSync('id', ['-u', SERVER_OS_USER], { encoding: 'utf8' });
  const gids = spawnSync('id', ['-g', SERVER_OS_USER], { encoding: 'utf8' });
  if (ids.status !== 0 || gids.status !== 0) {
    throw new Error(
      `PostgreSQL does not run as root, and there is no "${SERVER_OS_USER}" OS user to run it as: ` +
        `create one (useradd --system --home /var/lib/postgresql ${SERVER_OS_USER}) or run this as another user`,
    );
  }
  return { uid: Number(ids.stdout.trim()), gid: Number(gids.stdout.trim()) };
}

/** Who the files may belong to: us; under root also the server's OS user, who owns them after the first start. */
interface Owners {
  uids: number[];
  /** Under root: the ids everything is handed to. */
  server?: { uid: number; gid: number };
}

function owners(): Owners {
  if (!isRoot()) return { uids: [process.getuid?.() ?? -1] };
  const server = serverIds();
  return { uids: [0, server.uid], server };
}

const REFUSED = 'refusing it: the cluster keeps its PostgreSQL password there, and trusts only files of its own';

/** Refuses `path` unless it is a `kind` owned by one of `owners`, with no access for group and others. */
function assertOwn(st: Stats, path: string, kind: 'directory' | 'file', who: Owners): void {
  const isKind = kind === 'directory' ? st.isDirectory() : st.isFile();
  if (!isKind) throw new Error(`${path} is not a regular ${kind}: ${REFUSED} (remove it)`);
  if (!who.uids.includes(st.uid)) {
    throw new Error(
      `${path} is owned by uid ${st.uid}, not by uid ${who.uids.join(' or ')}: ${REFUSED} (remove it, or choose another MAKINI_CLUSTER_DIR)`,
    );
  }
  const want = kind === 'directory' ? 0o700 : 0o600;
  if (st.mode & 0o077) {
    throw new Error(
      `${path} has mode ${(st.mode & 0o777).toString(8)} (others may reach it; it must be ${want.toString(8)}): ${REFUSED} (remove it)`,
    );
  }
}

/** `open` that never follows a symbolic link in the last component and says so when there is one. */
function openNoFollow(path: string, flags: number, mode?: number): number {
  try {
    return openSync(path, flags | constants.O_NOFOLLOW, mode);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A link with O_DIRECTORY answers ENOTDIR.
    if (code === 'ELOOP' || (code === 'ENOTDIR' && lstatSync(path).isSymbolicLink())) {
      throw new Error(`${path} is a symbolic link: ${REFUSED} (remove it)`);
    }
    throw err;
  }
}

/**
 * The parent must not let others rename or replace the folder between our checks and our use:
 * owned by us (or root) and not writable by others, unless sticky (as /tmp: others cannot move
 * what is ours).
 */
function assertParentHoldsItStill(parent: string, who: Owners): void {
  const st = lstatSync(parent);
  const sticky = (st.mode & constants.S_IFMT) === constants.S_IFDIR && (st.mode & 0o1000) !== 0;
  if (![0, ...who.uids].includes(st.uid) || (st.mode & 0o022 && !sticky)) {
    throw new Error(
      `${parent} (uid ${st.uid}, mode ${(st.mode & 0o7777).toString(8)}) can be changed by others, so the cluster's PostgreSQL ` +
        'folder inside cannot be kept private: choose a MAKINI_CLUSTER_DIR of your own',
    );
  }
}

/** Creates the folder (0700) or checks the one there; under root hands it to the server's OS user. Through one descriptor. */
function ownFolder(dir: string, who: Owners): void {
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  const fd = openNoFollow(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    assertOwn(fstatSync(fd), dir, 'directory', who);
    if (who.server) fchownSync(fd, who.server.uid, who.server.gid);
    fchmodSync(fd, 0o700);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads the password kept in `file`, creating it (random, 0600) when there is none; under root
 * hands it to the server's OS user (initdb reads it). A file there that is not ours is refused.
 */
function ownPassword(file: string, who: Owners): string {
  try {
    const fd = openNoFollow(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      writeSync(fd, `${randomBytes(24).toString('hex')}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // O_NONBLOCK: a FIFO planted there must not hang the open; fstat refuses it.
  const fd = openNoFollow(file, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    assertOwn(fstatSync(fd), file, 'file', who);
    if (who.server) fchownSync(fd, who.server.uid, who.server.gid);
    return readFileSync(fd, 'utf8').trim();
  } finally {
    closeSync(fd);
  }
}

/** The data directory's PostgreSQL version, if it has one (read without following a link). */
function dataVersionOf(dataDir: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(join(dataDir, 'PG_VERSION'), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch {
    return undefined;
  }
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd, 'utf8').trim() : undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * Writes `text` into a new file at `path` (0600; under root the server's OS user's), replacing
 * whatever was there: the old entry is unlinked, never written through (it may be a link).
 */
function writeFresh(path: string, text: string, who: Owners): void {
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  writeThrough(openNoFollow(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600), text, who);
}

function writeThrough(fd: number, text: string, who: Owners): void {
  try {
    if (who.server) fchownSync(fd, who.server.uid, who.server.gid);
    writeSync(fd, text);
  } finally {
    closeSync(fd);
  }
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
    private readonly owners: Owners,
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
    const who = owners();
    // Parents 0755 at most whatever the umask (the server's OS user must pass through them; others
    // must not write in them), the folder itself private.
    mkdirSync(dirname(opts.dir), { recursive: true, mode: 0o755 });
    assertParentHoldsItStill(dirname(opts.dir), who);
    ownFolder(opts.dir, who);
    const passwordFile = join(opts.dir, 'password');
    const password = ownPassword(passwordFile, who);
    const dataVersion = dataVersionOf(join(opts.dir, 'data'));
    const binDir = ensurePostgresBinaries(log, dataVersion);
    const pg = new Postgres(binDir, opts.dir, opts.port, password, log, who);
    if (dataVersion === undefined) pg.initdb(passwordFile);
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
    writeThrough(
      openNoFollow(join(this.dataDir, 'postgresql.conf'), constants.O_WRONLY | constants.O_APPEND),
      "\n# makini-writes cluster (scripts/lib/cluster/postgres.ts)\ninclude = 'makini-writes.conf'\n",
      this.owners,
    );
  }

  private writeSettings(): void {
    writeFresh(
      join(this.dataDir, 'makini-writes.conf'),
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
      this.owners,
    );
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
