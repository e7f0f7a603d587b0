// The cluster's ports: fixed around the frontend's for `npm run cluster`, free ones for a run that
// must not collide with anything (the chaos run). Membership ports must stay below 32768: the
// cluster_membership table stores them as a smallint.
import { createServer } from 'node:net';
import { freePort } from '../dev-server.js';
import type { ClusterPorts } from './server-config.js';

const MEMBERSHIP_PORT_LIMIT = 32_768;
/** Where free membership ports are looked for (below the OS's ephemeral range, which starts at 32768 on Linux). */
const MEMBERSHIP_RANGE = [20_000, 32_000] as const;

/** `npm run cluster`'s ports around a frontend port (7233 by default, as the compose file publishes). */
export function portsAround(frontend: number): ClusterPorts {
  if (frontend - 300 < 1024 || frontend + 10 > 65_535 || frontend - 294 >= MEMBERSHIP_PORT_LIMIT) {
    throw new Error(
      `frontend port ${frontend}: needs ${frontend - 300}-${frontend - 294} for membership (from 1024, below 32768) and up to ${frontend + 10}`,
    );
  }
  return {
    frontend: { grpc: frontend, membership: frontend - 300, http: frontend + 10 },
    history: [
      { grpc: frontend + 1, membership: frontend - 299 },
      { grpc: frontend + 3, membership: frontend - 297 },
    ],
    matching: { grpc: frontend + 2, membership: frontend - 298 },
    worker: { grpc: frontend + 6, membership: frontend - 294 },
  };
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Free ports for every listener of a cluster, none used twice. */
export async function freeClusterPorts(): Promise<ClusterPorts> {
  const taken = new Set<number>();
  const grpc = async () => {
    for (;;) {
      const p = await freePort();
      if (!taken.has(p)) return (taken.add(p), p);
    }
  };
  const membership = async () => {
    const [lo, hi] = MEMBERSHIP_RANGE;
    for (let attempt = 0; attempt < 200; attempt++) {
      const p = lo + Math.floor(Math.random() * (hi - lo));
      if (!taken.has(p) && (await isFree(p))) return (taken.add(p), p);
    }
    throw new Error(`no free port between ${lo} and ${hi} for the cluster's membership`);
  };
  const host = async () => ({ grpc: await grpc(), membership: await membership() });
  return {
    frontend: { ...(await host()), http: await grpc() },
    history: [await host(), await host()],
    matching: await host(),
    worker: await host(),
  };
}
