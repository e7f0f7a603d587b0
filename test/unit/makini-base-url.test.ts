// A worker whose MAKINI_BASE_URL is not https (and not this machine) sends tokens and writes in the
// clear: it says so once, at start-up, where the Makini client is built.
import { describe, expect, it } from 'vitest';
import { buildMakiniActivities } from '../../src/composition/compose.js';

const build = (url: string, warn: (message: string) => void) =>
  buildMakiniActivities({
    settings: { MAKINI_BASE_URL: url, MAKINI_REQUEST_TIMEOUT_MS: 1_000 },
    connections: { connections: [] },
    warn,
  });

describe('MAKINI_BASE_URL', () => {
  it('warns once on plain http to another host, naming its origin (never credentials in the URL)', () => {
    const warnings: string[] = [];
    build('http://user:s3cr3t@makini.example.com:8080/', (m) => warnings.push(m));
    build('http://user:s3cr3t@makini.example.com:8080/', (m) => warnings.push(m));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/MAKINI_BASE_URL http:\/\/makini\.example\.com:8080 is not https/);
    expect(warnings[0]).not.toContain('s3cr3t');
  });

  it('says nothing for https or loopback', () => {
    const warnings: string[] = [];
    for (const url of ['https://api.makini.io', 'http://127.0.0.1:8787', 'http://127.1.2.3', 'http://localhost:8787', 'http://[::1]:8787'])
      build(url, (m) => warnings.push(`${url}: ${m}`));
    expect(warnings).toEqual([]);
  });
});
