import { describe, expect, it } from 'vitest';
import { CliUsageError, type CliOptions } from '../../src/cli/command.js';
import { readFilterArgs, FILTER_OPTIONS } from '../../src/cli/filter-options.js';
import { closest, parseCommandArgs, positionals } from '../../src/cli/options.js';

describe('parseCommandArgs (node:util.parseArgs)', () => {
  const options: CliOptions = {
    connection: { type: 'string', value: 'ID', description: 'connection' },
    since: { type: 'string', value: 'ISO', description: 'since' },
    'dry-run': { type: 'boolean', description: 'dry run' },
    json: { type: 'boolean', description: 'json' },
  };

  it('reads values (both spellings), flags and positionals', () => {
    expect(parseCommandArgs(['w1', '--connection', 'acme', '--since=2026-11-02', '--dry-run', '--json'], options)).toEqual({
      help: false,
      values: { connection: 'acme', since: '2026-11-02', 'dry-run': true, json: true },
      positionals: ['w1'],
    });
    expect(parseCommandArgs(['--', '--not-an-option'], options).positionals).toEqual(['--not-an-option']);
  });

  it('names an unknown option (and the one meant), a missing value and a value given to a flag', () => {
    expect(() => parseCommandArgs(['--conection', 'a'], options)).toThrow(
      /unknown option --conection; did you mean --connection\? \(takes --connection, --since, --dry-run, --json\)/,
    );
    expect(() => parseCommandArgs(['--verbose'], options)).toThrow(/^unknown option --verbose \(takes/);
    expect(() => parseCommandArgs(['-x'], options)).toThrow(/unknown option -x/);
    expect(() => parseCommandArgs(['--connection'], options)).toThrow(/--connection needs a value \(ID\)/);
    expect(() => parseCommandArgs(['--connection', '--dry-run'], options)).toThrow(/--connection needs a value/);
    expect(() => parseCommandArgs(['--dry-run=yes'], options)).toThrow(/--dry-run takes no value/);
    expect(() => parseCommandArgs(['--json=false'], options)).toThrow(CliUsageError);
    // A value that starts with a dash is given inline.
    expect(parseCommandArgs(['--connection=-odd-id'], options).values.connection).toBe('-odd-id');
  });

  it('answers -h / --help whatever else is wrong', () => {
    expect(parseCommandArgs(['--help'], options).help).toBe(true);
    expect(parseCommandArgs(['--bogus', 'x', '-h'], options).help).toBe(true);
  });

  it('checks positionals by name', () => {
    const a = parseCommandArgs(['one'], options);
    expect(() => positionals(a, ['<workflowId>', '<file>'])).toThrow(/missing <file>/);
    expect(() => positionals(parseCommandArgs(['a', 'b'], options), ['<workflowId>'])).toThrow(/unexpected argument "b"/);
    expect(positionals(a, ['<workflowId>', '[extra]'])).toEqual(['one']);
  });

  it('suggests only near names', () => {
    expect(closest('stat', ['start', 'status'])).toBe('status');
    expect(closest('lst-failed', ['list-failed', 'rerun-failed'])).toBe('list-failed');
    expect(closest('deploy', ['start', 'status', 'replay'])).toBeUndefined();
  });
});

describe('readFilterArgs', () => {
  const parse = (args: string[]) => parseCommandArgs(args, { ...FILTER_OPTIONS, 'dry-run': { type: 'boolean', description: '' } });

  it('maps the options onto the filter and checks them before any connection', () => {
    expect(
      readFilterArgs(parse(['--connection', 'acme-sap', '--error-code', 'RetryBudgetExhausted', '--limit', '5', '--dry-run'])),
    ).toEqual({
      filter: expect.objectContaining({ connectionId: 'acme-sap', errorCode: 'RetryBudgetExhausted' }),
      limit: 5,
    });
    expect(() => readFilterArgs(parse(['--since', 'last week']))).toThrow(/--since "last week": expected an ISO 8601/);
    expect(() => readFilterArgs(parse(['--limit', '0']))).toThrow(/--limit "0"/);
    expect(() => readFilterArgs(parse(['acme-sap']))).toThrow(/unexpected argument "acme-sap"/);
  });
});
