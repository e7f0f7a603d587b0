// Text from elsewhere (Makini's error messages, a connected system's words, a user's file) shown
// where a terminal or a log reader interprets control characters: an ESC sequence can clear the
// screen, recolour or retitle it, and a `\r\n[worker] all good` forges a line of its own. Pure code:
// the failure classification (workflow code too) and the CLI use it.

/**
 * Every C0 control (\n, \r and \t included), DEL, every C1 control, the Unicode line and paragraph
 * separators and the bidirectional overrides (they break or reorder a line on display).
 */
// eslint-disable-next-line no-control-regex -- these are what it finds
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * `text` with each control character as a visible escape (`\n`, `\r`, `\t`, else `\u001b`): valid
 * inside a JSON string too, and one line whatever it held.
 * @example printable('ok\r\n[worker] all good\u001b[2J') // → 'ok\\r\\n[worker] all good\\u001b[2J'
 */
export const printable = (text: string): string =>
  text.replace(CONTROL, (c) => SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** Each line of `text` made printable: the line breaks of a layout (tables, lists) stay, every other control character is escaped. */
export const printableLines = (text: string): string => text.split('\n').map(printable).join('\n');
