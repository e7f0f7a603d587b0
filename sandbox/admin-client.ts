// Typed client of the sandbox admin API, over real HTTP (what tests and scripts use).
import {
  AdminPath,
  type BehaviourPatch,
  type ConnectionBehaviour,
  type ConnectionSummary,
  type InFlightRequest,
  type PendingFault,
  type ReferenceData,
  type RequestLogEntry,
  type SandboxState,
} from './admin-api.js';
import type { ChaosConfig, FaultScript } from './faults.js';
import type { OAuthState, oauthSetupSchema } from './oauth.js';
import type { z } from 'zod';
import type { SandboxConnectionSeed } from './index.js';

/** The admin `oauth` body: every field optional (oauth.ts). */
type OAuthSetupInput = z.input<typeof oauthSetupSchema>;

export type {
  BehaviourPatch,
  ChaosConfig,
  ConnectionBehaviour,
  ConnectionSummary,
  FaultScript,
  InFlightRequest,
  PendingFault,
  ReferenceData,
  RequestLogEntry,
  SandboxState,
};

export class SandboxAdminError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class SandboxAdminClient {
  /** @param baseUrl the sandbox URL, e.g. `http://127.0.0.1:8787` */
  constructor(readonly baseUrl: string) {}

  private async call<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<T> {
    const res = await fetch(new URL(path, this.baseUrl), {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: { data?: T; error?: { message?: string } } | undefined;
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      json = undefined;
    }
    if (!res.ok)
      throw new SandboxAdminError(res.status, `sandbox admin ${method} ${path} → ${res.status}: ${json?.error?.message ?? text}`);
    return json?.data as T;
  }

  connections(): Promise<ConnectionSummary[]> {
    return this.call('GET', AdminPath.connections());
  }

  addConnection(seed: SandboxConnectionSeed): Promise<ConnectionSummary> {
    const { id, token, system, writesPerMinute } = seed;
    return this.call('POST', AdminPath.connections(), { id, token, system, writesPerMinute });
  }

  /** Clears "needs reauthorization"; with `newToken`, the old token stops working. */
  reauthorize(connectionId: string, newToken?: string): Promise<ConnectionSummary> {
    return this.call('POST', AdminPath.reauthorize(connectionId), newToken === undefined ? {} : { token: newToken });
  }

  /** Every call answers 401 AUTHENTICATION_FAILED until `reauthorize`. */
  requireReauthorization(connectionId: string): Promise<ConnectionSummary> {
    return this.call('POST', AdminPath.requireReauthorization(connectionId));
  }

  /**
   * Turns OAuth on for the connection (lifetimes in ms, `expiresIn` style, `revokeOnRefresh`) and
   * returns a fresh authorization code for `POST /link/token` (client: SANDBOX_OAUTH_CLIENT).
   */
  async oauthCode(connectionId: string, setup: OAuthSetupInput = {}): Promise<string> {
    return (await this.call<{ code: string }>('POST', AdminPath.oauth(connectionId), setup)).code;
  }

  /** The connection's OAuth counts and every token issued (null without OAuth). */
  oauthState(connectionId: string): Promise<OAuthState | null> {
    return this.call('GET', AdminPath.oauth(connectionId));
  }

  /** Every access token of the connection expires now (its next call answers 401). */
  expireOAuthTokens(connectionId: string): Promise<OAuthState | null> {
    return this.call('POST', AdminPath.expireOAuth(connectionId));
  }

  /** Writes (POST/PUT) per sliding minute; null removes the limit. */
  setRateLimit(connectionId: string, writesPerMinute: number | null): Promise<ConnectionSummary> {
    return this.call('PUT', AdminPath.rateLimit(connectionId), { writesPerMinute });
  }

  /** Appends faults to the connection's FIFO; matching requests consume them in order. */
  scriptFaults(connectionId: string, faults: FaultScript[]): Promise<PendingFault[]> {
    return this.call('POST', AdminPath.faults(connectionId), { faults });
  }

  pendingFaults(connectionId: string): Promise<PendingFault[]> {
    return this.call('GET', AdminPath.faults(connectionId));
  }

  clearFaults(connectionId: string): Promise<PendingFault[]> {
    return this.call('POST', AdminPath.clearFaults(connectionId));
  }

  /** Seeded random faults for one connection, or `*` for all without their own; null turns them off. */
  async setChaos(connectionId: string | '*', chaos: ChaosConfig | null): Promise<void> {
    await this.call('PUT', AdminPath.chaos(connectionId), { chaos });
  }

  /**
   * Changes some of a connection's switches for what Makini leaves open (the others stay):
   * `referenceField` kept | dropped | rewritten, `referenceFieldName`, `listFilter` exact | loose,
   * `defaultPerPage`, `maxPerPage`, `repeatedLines` refused | accepted, ... (behaviour.ts).
   * Answers all of them; `reset()` restores the defaults.
   */
  setBehaviour(connectionId: string, patch: BehaviourPatch): Promise<ConnectionBehaviour> {
    return this.call('PUT', AdminPath.behaviour(connectionId), patch);
  }

  behaviour(connectionId: string): Promise<ConnectionBehaviour> {
    return this.call('GET', AdminPath.behaviour(connectionId));
  }

  /** Adds vendors, sites and materials (each with an inventory) to a connection's reference data. */
  addReferenceData(connectionId: string, data: ReferenceData): Promise<unknown> {
    return this.call('POST', AdminPath.reference(connectionId), data);
  }

  state(connectionId: string): Promise<SandboxState> {
    return this.call('GET', AdminPath.state(connectionId));
  }

  requestLog(connectionId: string): Promise<RequestLogEntry[]> {
    return this.call('GET', AdminPath.requests(connectionId));
  }

  /** The requests the connection received and has not answered yet (a slow or late one is in flight). */
  inFlight(connectionId: string): Promise<InFlightRequest[]> {
    return this.call('GET', AdminPath.inFlight(connectionId));
  }

  /** Every connection back to its seed: data, token, limit, default behaviour; no faults, chaos or logs. */
  async reset(): Promise<void> {
    await this.call('POST', AdminPath.reset());
  }
}
