// Reading a JSON file named on the command line (`start`, `bulk start`): at most a bounded size,
// and a file that is not JSON is reported by position only. Node's JSON.parse quotes the text
// around the error ("…"token": s3cr3t…" is not valid JSON), and an input file may hold a secret.
import { closeSync, openSync, readSync } from 'node:fs';
import { MAX_INPUT_BYTES } from '../writes/workflow/engine/input.js';
import { CliUsageError } from './command.js';

/**
 * Largest file read: twice a write's input cap (MAX_INPUT_BYTES, 1 MiB as compact JSON), so that an
 * indented file whose input fits is still read (the input is checked against its own cap after
 * parsing), and Temporal's 2 MiB payload limit: nothing larger can be a write's input.
 */
export const MAX_JSON_FILE_BYTES = 2 * MAX_INPUT_BYTES;

/** Where a JSON text first breaks the grammar (RFC 8259), as an offset; -1 when it is valid. */
function firstJsonError(t: string): number {
  let i = 0;
  const fail = (): never => {
    throw new JsonSyntaxAt(i);
  };
  const ws = () => {
    while (t[i] === ' ' || t[i] === '\t' || t[i] === '\n' || t[i] === '\r') i++;
  };
  const string = () => {
    i++; // the opening quote
    for (;;) {
      const c = t.charCodeAt(i);
      if (i >= t.length || c < 0x20) fail();
      if (c === 0x22) return void i++;
      if (c !== 0x5c) {
        i++;
        continue;
      }
      i++;
      if ('"\\/bfnrt'.includes(t[i] ?? 'x')) i++;
      else if (t[i] === 'u' && /^[0-9a-fA-F]{4}$/.test(t.slice(i + 1, i + 5))) i += 5;
      else fail();
    }
  };
  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const list = (close: string, item: () => void) => {
    i++;
    ws();
    if (t[i] === close) return void i++;
    for (;;) {
      item();
      ws();
      if (t[i] === ',') i++;
      else if (t[i] === close) return void i++;
      else fail();
    }
  };
  const value = (): void => {
    ws();
    const c = t[i];
    if (c === '{') {
      return list('}', () => {
        ws();
        if (t[i] !== '"') fail();
        string();
        ws();
        if (t[i] !== ':') fail();
        i++;
        value();
      });
    }
    if (c === '[') return list(']', value);
    if (c === '"') return string();
    for (const literal of ['true', 'false', 'null']) if (t.startsWith(literal, i)) return void (i += literal.length);
    NUMBER.lastIndex = i;
    if (!NUMBER.test(t)) fail();
    i = NUMBER.lastIndex;
  };
  try {
    value();
    ws();
    if (i < t.length) fail();
    return -1;
  } catch (err) {
    if (err instanceof JsonSyntaxAt) return err.offset;
    throw err;
  }
}

class JsonSyntaxAt {
  constructor(readonly offset: number) {}
}

/** `line L, column C` (1-based) of `offset` in `text`. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/** At most `max` + 1 bytes of `file` (one more than allowed tells it is too large, without reading the rest). */
function readBounded(file: string, max: number): Buffer {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (err) {
    throw new CliUsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  try {
    const buf = Buffer.alloc(max + 1);
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = readSync(fd, buf, n, buf.length - n, null);
    return buf.subarray(0, n);
  } catch (err) {
    throw new CliUsageError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * The JSON value in `file`; a `CliUsageError` naming the file when it cannot be read, is larger
 * than MAX_JSON_FILE_BYTES, or is not JSON (then with the line and column, never the text).
 */
export function readJsonFile(file: string, max = MAX_JSON_FILE_BYTES): unknown {
  const bytes = readBounded(file, max);
  if (bytes.length > max) throw new CliUsageError(`${file}: larger than ${max / 1024 / 1024} MiB, the most an input file may be`);
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    let offset: number | undefined;
    try {
      offset = firstJsonError(text);
    } catch {
      // Nested too deeply for the scanner's recursion: no position, still no text.
    }
    const where = offset === undefined || offset < 0 ? '' : ` at ${lineColumn(text, offset)}`;
    throw new CliUsageError(`${file}: not valid JSON${where} (its content is not shown: it may hold a secret)`);
  }
}
