import { describe, expect, it } from 'vitest';
import { readFilterArgs } from '../../src/cli/filter-options.js';
import { CliOptionError, parseOptions } from '../../src/cli/options.js';

describe('parseOptions', () => {
  const spec = { values: ['connection', 'since'], flags: ['dry-run'] };

  it('reads values (both spellings), flags and positionals', () => {
    expect(parseOptions(['w1', '--connection', 'acme', '--since=2026-11-02', '--dry-run'], spec)).toEqual({
      values: { connection: 'acme', since: '2026-11-02' },
      flags: new Set(['dry-run']),
      positional: ['w1'],
    });
  });

  it('names an unknown option, a missing value and a value given to a flag', () => {
    expect(() => parseOptions(['--conection', 'a'], spec)).toThrow(/unknown option --conection \(takes --connection, --since, --dry-run\)/);
    expect(() => parseOptions(['--connection'], spec)).toThrow(/--connection needs a value/);
    expect(() => parseOptions(['--connection', '--dry-run'], spec)).toThrow(/--connection needs a value/);
    expect(() => parseOptions(['--dry-run=yes'], spec)).toThrow(CliOptionError);
  });
});

describe('readFilterArgs', () => {
  it('maps the options onto the filter and checks them before any connection', () => {
    expect(
      readFilterArgs(['--connection', 'acme-sap', '--error-code', 'RetryBudgetExhausted', '--limit', '5', '--dry-run'], ['dry-run']),
    ).toEqual({
      filter: expect.objectContaining({ connectionId: 'acme-sap', errorCode: 'RetryBudgetExhausted' }),
      limit: 5,
      flags: new Set(['dry-run']),
    });
    expect(() => readFilterArgs(['--since', 'last week'])).toThrow(/--since "last week": expected an ISO 8601/);
    expect(() => readFilterArgs(['--limit', '0'])).toThrow(/--limit "0"/);
  });
});
