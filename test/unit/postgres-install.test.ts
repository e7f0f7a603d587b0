// `npm test` (its cluster stage) and `npm run cluster` install PostgreSQL with apt-get when the
// server is missing and they run as root. What they install must be pinned to one exact version
// (the distribution's PostgreSQL major at the version its apt sources offer now), announced with
// why before anything runs, and MAKINI_NO_INSTALL=1 must turn the install into a message. The
// machine is stood in for (PostgresHost): nothing is installed here; apt-cache's answers are
// recorded ones from Debian 12, and in the last test this machine's own.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ensurePostgresBinaries, type PostgresHost } from '../../scripts/lib/cluster/postgres.js';

const BIN = '/usr/lib/postgresql/15/bin';
const DEPENDS = 'postgresql\n  Depends: postgresql-15\n  Suggests: postgresql-doc\n';
const POLICY = [
  'postgresql-15:',
  '  Installed: (none)',
  '  Candidate: 15.20-0+deb12u1',
  '  Version table:',
  '     15.20-0+deb12u1 500',
  '        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages',
  '     15.18-0+deb12u1 500',
  '        500 http://deb.debian.org/debian bookworm/main amd64 Packages',
  '',
].join('\n');
const PINNED = ['apt-get', 'install', '-y', '--no-install-recommends', 'postgresql-15=15.20-0+deb12u1'];

/** A root machine with apt and no PostgreSQL; `apt` answers apt-cache and apt-get, everything is recorded. */
function machine(opts: { env?: NodeJS.ProcessEnv; listsAfterUpdateOnly?: boolean; installs?: boolean } = {}) {
  const calls: string[][] = [];
  const logs: string[] = [];
  const events: string[] = [];
  let installed = false;
  let updated = false;
  const host: PostgresHost = {
    env: opts.env ?? {},
    isRoot: true,
    findBinDir: () => (installed ? BIN : undefined),
    run(cmd, args) {
      calls.push([cmd, ...args]);
      events.push(`run ${[cmd, ...args].join(' ')}`);
      const lists = !opts.listsAfterUpdateOnly || updated;
      if (cmd === 'apt-get' && args[0] === '--version') return { status: 0, stdout: 'apt 2.6.1 (amd64)\n' };
      if (cmd === 'apt-get' && args[0] === 'update') {
        updated = true;
        return { status: 0, stdout: '' };
      }
      if (cmd === 'apt-get' && args[0] === 'install') {
        installed = opts.installs !== false;
        return { status: installed ? 0 : 100, stdout: '' };
      }
      if (cmd === 'apt-cache' && args[0] === 'depends') return lists ? { status: 0, stdout: DEPENDS } : { status: 100, stdout: '' };
      if (cmd === 'apt-cache' && args[0] === 'policy') {
        return { status: 0, stdout: lists ? POLICY : 'postgresql-15:\n  Installed: (none)\n  Candidate: (none)\n' };
      }
      return { status: 127, stdout: '' };
    },
  };
  const log = (msg: string) => {
    logs.push(msg);
    events.push(`log ${msg}`);
  };
  return { host, calls, logs, events, log };
}

const changes = (calls: string[][]) => calls.filter((c) => c[0] === 'apt-get' && (c[1] === 'install' || c[1] === 'update'));

describe('PostgreSQL from apt-get, when the cluster needs it and it is missing', () => {
  it('installs the distribution major at the exact version apt offers, and says what and why before it runs', () => {
    const m = machine();
    expect(ensurePostgresBinaries(m.log, undefined, m.host)).toBe(BIN);
    expect(changes(m.calls)).toEqual([PINNED]);
    const announced = m.events.findIndex((e) => e.startsWith('log ') && e.includes('postgresql-15=15.20-0+deb12u1'));
    const ran = m.events.indexOf(`run ${PINNED.join(' ')}`);
    expect(announced, 'announced').toBeGreaterThanOrEqual(0);
    expect(announced, 'before it runs').toBeLessThan(ran);
    const message = m.events[announced]!;
    expect(message).toContain(PINNED.join(' '));
    expect(message).toMatch(/not found/);
    expect(message).toMatch(/Temporal cluster/);
    expect(message).toContain('MAKINI_NO_INSTALL=1');
  });

  it('with MAKINI_NO_INSTALL=1 installs and updates nothing, and says what to install', () => {
    const m = machine({ env: { MAKINI_NO_INSTALL: '1' } });
    expect(() => ensurePostgresBinaries(m.log, undefined, m.host)).toThrow(
      /PostgreSQL server binaries .* not found, and MAKINI_NO_INSTALL=1: nothing is installed\..*apt-get install -y --no-install-recommends postgresql-15=15\.20-0\+deb12u1.*POSTGRES_BIN_DIR/s,
    );
    expect(changes(m.calls)).toEqual([]);
  });

  it('on a machine without package lists, updates them first (saying so), then pins what they offer', () => {
    const m = machine({ listsAfterUpdateOnly: true });
    expect(ensurePostgresBinaries(m.log, undefined, m.host)).toBe(BIN);
    expect(changes(m.calls)).toEqual([['apt-get', 'update'], PINNED]);
    expect(m.logs.join('\n')).toMatch(/no package lists .*apt-get update/);
  });

  it('without package lists and with MAKINI_NO_INSTALL=1, updates nothing either', () => {
    const m = machine({ env: { MAKINI_NO_INSTALL: '1' }, listsAfterUpdateOnly: true });
    expect(() => ensurePostgresBinaries(m.log, undefined, m.host)).toThrow(/MAKINI_NO_INSTALL=1: nothing is installed/);
    expect(changes(m.calls)).toEqual([]);
  });

  it('fails with the command it ran when apt-get cannot install it', () => {
    const m = machine({ installs: false });
    expect(() => ensurePostgresBinaries(m.log, undefined, m.host)).toThrow(
      /apt-get install -y --no-install-recommends postgresql-15=15\.20-0\+deb12u1` failed/,
    );
  });

  it('as another user, runs no apt-get and says what to install', () => {
    const m = machine();
    m.host.isRoot = false;
    expect(() => ensurePostgresBinaries(m.log, undefined, m.host)).toThrow(/not found: install the PostgreSQL server/);
    expect(changes(m.calls)).toEqual([]);
  });

  const hasAptCache = spawnSync('apt-cache', ['--version'], { stdio: 'ignore' }).status === 0;
  it.runIf(hasAptCache)(
    "reads this machine's apt sources: the pin is a version apt-cache lists for that package (skipped where apt-cache is missing: not a Debian machine)",
    () => {
      // This machine's real apt-cache answers; apt-get install/update would be refused.
      const calls: string[][] = [];
      const host: PostgresHost = {
        env: { MAKINI_NO_INSTALL: '1' },
        isRoot: true,
        findBinDir: () => undefined,
        run(cmd, args) {
          calls.push([cmd, ...args]);
          if (cmd === 'apt-get' && args[0] !== '--version') throw new Error(`the test refuses ${cmd} ${args.join(' ')}`);
          const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
          return { status: r.status, stdout: r.stdout };
        },
      };
      let message = '';
      try {
        ensurePostgresBinaries(() => undefined, undefined, host);
      } catch (err) {
        message = (err as Error).message;
      }
      const pin = /postgresql-(\d+)=(\S+?)`/.exec(message);
      if (!pin) {
        // No lists on this machine: it says it would update them first.
        expect(message).toMatch(/no package lists/);
        return;
      }
      const madison = spawnSync('apt-cache', ['madison', `postgresql-${pin[1]}`], { encoding: 'utf8' }).stdout;
      expect(madison.split('\n').map((l) => l.split('|')[1]?.trim())).toContain(pin[2]);
    },
  );
});
