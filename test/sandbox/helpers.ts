// Real-HTTP helpers for the sandbox tests: one call = one fetch, answers read in full.
import { MakiniHeader } from '../../src/makini/workflow/contract.js';
import type { StartedSandbox } from '../../sandbox/index.js';
import { PO_HEADER, poLines } from '../support/po-input.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export interface Answer<T = any> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

export type Call = (method: string, path: string, body?: unknown) => Promise<Answer>;

/** A caller bound to one connection's token. */
export function caller(sb: StartedSandbox, token: string | undefined): Call {
  return async (method, path, body) => {
    const headers: Record<string, string> = {};
    if (token !== undefined) headers[MakiniHeader.authorization] = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(new URL(path, sb.url), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  };
}

/** n valid lines for any system (SAP wants quantity and price): the one line builder of test/ and bench/. */
export const lines = poLines;

/** A PO header valid on every system. */
export const header = (code: string) => ({ code, ...PO_HEADER, title: `PO ${code}` });

let n = 0;
export const uniqueCode = (label: string) => `${label}-${Date.now().toString(36)}-${n++}`;
