// The cluster's PostgreSQL folder and password file (scripts/lib/cluster/postgres.ts) may sit in a
// shared MAKINI_CLUSTER_DIR: Postgres.prepare must trust only what is its own — no symbolic link,
// owned by us (or, under root, by the server's `postgres` OS user), private modes — and refuse
// anything else before it reads, chowns or writes a byte. Under root, files "of someone else" are
// made with chown in a temp folder; the server binaries are stubs (POSTGRES_BIN_DIR), since what is
// tested is the files, not the server.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Postgres } from '../../scripts/lib/cluster/postgres.js';

// Files owned by someone else can only be made by root (chown): those cases run as root only, skipped otherwise.
const isRoot = process.getuid?.() === 0;
/** A uid no one on the machine has: "someone else". */
const STRANGER = 54_321;

const root = mkdtempSync(join(tmpdir(), 'makini-writes-pg-files-'));
// Under root the stubs run as `postgres` (runuser), which must reach them and the folders.
chmodSync(root, 0o755);
const binDir = join(root, 'bin');
const savedBinDir = process.env.POSTGRES_BIN_DIR;

beforeAll(() => {
  mkdirSync(binDir, { mode: 0o755 });
  // initdb/pg_ctl/postgres stubs: initdb writes PG_VERSION and postgresql.conf as the real one would.
  writeFileSync(
    join(binDir, 'initdb'),
    '#!/bin/sh\nwhile [ "$1" != "-D" ]; do shift; done\nmkdir -p "$2" && echo 15 > "$2/PG_VERSION" && touch "$2/postgresql.conf"\n',
    { mode: 0o755 },
  );
  // pg_ctl: `status` says "not running" (3), everything else succeeds.
  writeFileSync(join(binDir, 'pg_ctl'), '#!/bin/sh\n[ "$1" = status ] && exit 3\nexit 0\n', { mode: 0o755 });
  writeFileSync(join(binDir, 'postgres'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  process.env.POSTGRES_BIN_DIR = binDir;
});
afterAll(() => {
  if (savedBinDir === undefined) delete process.env.POSTGRES_BIN_DIR;
  else process.env.POSTGRES_BIN_DIR = savedBinDir;
  rmSync(root, { recursive: true, force: true });
});

let n = 0;
/** A fresh cluster folder; `postgres/` inside is what Postgres.prepare is given. */
function clusterDir(): { dir: string; pgDir: string } {
  const dir = join(root, `cluster-${++n}`);
  mkdirSync(dir, { mode: 0o755 });
  return { dir, pgDir: join(dir, 'postgres') };
}
const prepare = (pgDir: string) => Postgres.prepare({ dir: pgDir, port: 5433 });
const serverUid = () => Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());

describe('Postgres.prepare: the folder and password file are its own', () => {
  it('creates a private folder and password file, and reads the same password at the next start', () => {
    const { pgDir } = clusterDir();
    const first = prepare(pgDir);
    expect(first.password).toMatch(/^[0-9a-f]{48}$/);
    expect(statSync(pgDir).mode & 0o777).toBe(0o700);
    expect(statSync(join(pgDir, 'password')).mode & 0o777).toBe(0o600);
    if (isRoot) {
      expect(statSync(pgDir).uid).toBe(serverUid());
      expect(statSync(join(pgDir, 'password')).uid).toBe(serverUid());
    }
    expect(prepare(pgDir).password).toBe(first.password);
  });

  it('refuses a password file that is a symbolic link, and leaves its target alone', () => {
    const { dir, pgDir } = clusterDir();
    mkdirSync(pgDir, { mode: 0o700 });
    const target = join(dir, 'root-only-secret');
    writeFileSync(target, 'not-the-cluster-password\n', { mode: 0o600 });
    const before = statSync(target);
    symlinkSync(target, join(pgDir, 'password'));
    expect(() => prepare(pgDir)).toThrow(/password is a symbolic link/);
    const after = statSync(target);
    expect([after.uid, after.gid, after.mode]).toEqual([before.uid, before.gid, before.mode]);
    expect(readFileSync(target, 'utf8')).toBe('not-the-cluster-password\n');
  });

  it('refuses a postgres folder that is a symbolic link', () => {
    const { dir, pgDir } = clusterDir();
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, pgDir);
    expect(() => prepare(pgDir)).toThrow(/postgres is a symbolic link/);
    expect(() => lstatSync(join(elsewhere, 'password'))).toThrow(/ENOENT/);
  });

  it('refuses a password file others may read or write', () => {
    const { pgDir } = clusterDir();
    mkdirSync(pgDir, { mode: 0o700 });
    writeFileSync(join(pgDir, 'password'), 'guessable\n', { mode: 0o644 });
    chmodSync(join(pgDir, 'password'), 0o644);
    expect(() => prepare(pgDir)).toThrow(/password has mode 644 .*600/);
  });

  it('refuses a postgres folder others may enter', () => {
    const { pgDir } = clusterDir();
    mkdirSync(pgDir);
    chmodSync(pgDir, 0o777);
    expect(() => prepare(pgDir)).toThrow(/postgres has mode 777 .*700/);
    expect(() => lstatSync(join(pgDir, 'password'))).toThrow(/ENOENT/);
  });

  it.runIf(isRoot)(
    'refuses a password file created beforehand by someone else, and does not chown it (skipped unless run as root: only root can give a file to another user)',
    () => {
      const { pgDir } = clusterDir();
      mkdirSync(pgDir, { mode: 0o700 });
      const file = join(pgDir, 'password');
      writeFileSync(file, 'chosen-by-someone-else\n', { mode: 0o600 });
      chownSync(file, STRANGER, STRANGER);
      expect(() => prepare(pgDir)).toThrow(new RegExp(`password is owned by uid ${STRANGER}`));
      expect(statSync(file).uid).toBe(STRANGER);
    },
  );

  it.runIf(isRoot)(
    'refuses a postgres folder created beforehand by someone else, and does not chown it (skipped unless run as root: only root can give a file to another user)',
    () => {
      const { pgDir } = clusterDir();
      mkdirSync(pgDir, { mode: 0o700 });
      chownSync(pgDir, STRANGER, STRANGER);
      expect(() => prepare(pgDir)).toThrow(new RegExp(`postgres is owned by uid ${STRANGER}`));
      expect(statSync(pgDir).uid).toBe(STRANGER);
      expect(() => lstatSync(join(pgDir, 'password'))).toThrow(/ENOENT/);
    },
  );

  it.runIf(isRoot)(
    'refuses a cluster folder someone else may rename things in (skipped unless run as root: only root can give a file to another user)',
    () => {
      const { dir, pgDir } = clusterDir();
      chownSync(dir, STRANGER, STRANGER);
      expect(() => prepare(pgDir)).toThrow(new RegExp(`cluster-\\d+ \\(uid ${STRANGER}, mode 755\\) can be changed by others`));
      chownSync(dir, 0, 0);
      chmodSync(dir, 0o777);
      expect(() => prepare(pgDir)).toThrow(/mode 777\) can be changed by others/);
      chmodSync(dir, 0o1777); // sticky, as /tmp: others cannot move what is ours
      expect(prepare(pgDir).password).toMatch(/^[0-9a-f]{48}$/);
    },
  );

  it('writes its settings file afresh at start, never through a link planted in the data folder', () => {
    const { dir, pgDir } = clusterDir();
    const pg = prepare(pgDir);
    const target = join(dir, 'root-only-config');
    writeFileSync(target, 'untouched\n', { mode: 0o644 });
    const before = statSync(target);
    symlinkSync(target, join(pg.dataDir, 'makini-writes.conf'));
    pg.start();
    expect(readFileSync(target, 'utf8')).toBe('untouched\n');
    expect([statSync(target).uid, statSync(target).mode]).toEqual([before.uid, before.mode]);
    const conf = lstatSync(join(pg.dataDir, 'makini-writes.conf'));
    expect(conf.isFile()).toBe(true);
    expect(conf.mode & 0o777).toBe(0o600);
    expect(readFileSync(join(pg.dataDir, 'makini-writes.conf'), 'utf8')).toContain('port = 5433');
  });

  it('never names the password in its refusals', () => {
    const { pgDir } = clusterDir();
    mkdirSync(pgDir, { mode: 0o700 });
    writeFileSync(join(pgDir, 'password'), 'a-password-to-keep-quiet\n');
    chmodSync(join(pgDir, 'password'), 0o640);
    expect(() => prepare(pgDir)).toThrow(expect.objectContaining({ message: expect.not.stringContaining('a-password-to-keep-quiet') }));
  });
});
