// The text of one top-level member of a JSON object, read from text that JSON.parse has already
// accepted, so a publish frame's `msg` can be forwarded as received instead of re-serialized
// (JSON.stringify was a third of the server's time per message). It gives up whenever the
// forwarded text could parse to something other than JSON.stringify of the parsed value would:
// numbers with an exponent or over 300 digits (may overflow to Infinity, which stringify writes
// as null) and negative zeros (stringify writes 0); and members that are not objects or arrays.
// No Node API.

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const COLON = 58;
const COMMA = 44;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** Index just past the string starting at `i` (a quote). */
function skipString(text: string, i: number): number {
  let from = i + 1;
  for (;;) {
    const end = text.indexOf('"', from);
    if (end < 0) return text.length;
    let slashes = 0;
    for (let k = end - 1; text.charCodeAt(k) === BACKSLASH; k--) slashes++;
    if ((slashes & 1) === 0) return end + 1;
    from = end + 1;
  }
}

const ZERO = 48;
const NINE = 57;
const DOT = 46;
const MINUS = 45;
const LOWER_E = 101;
const UPPER_E = 69;
const LONGEST_SAFE_DIGITS = 300;

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

/** True when the number text starting at `i` (a minus sign) is a negative zero. */
function isNegativeZero(text: string, i: number): boolean {
  if (text.charCodeAt(i + 1) !== ZERO) return false;
  let k = i + 2;
  if (text.charCodeAt(k) === DOT) {
    k++;
    while (text.charCodeAt(k) === ZERO) k++;
  }
  return !isDigit(text.charCodeAt(k));
}

/**
 * Index just past the object or array starting at `i`, or -1 when `check` finds a number whose
 * forwarded text is unsafe (see the file comment).
 */
function skipContainer(text: string, i: number, check: boolean): number {
  let depth = 0;
  let digits = 0;
  const n = text.length;
  for (let j = i; j < n; j++) {
    const c = text.charCodeAt(j);
    if (isDigit(c)) {
      if (++digits > LONGEST_SAFE_DIGITS && check) return -1;
      continue;
    }
    digits = 0;
    if (c === QUOTE) {
      j = skipString(text, j) - 1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (--depth === 0) return j + 1;
    } else if (check) {
      if ((c === LOWER_E || c === UPPER_E) && isDigit(text.charCodeAt(j - 1))) return -1;
      if (c === MINUS && isNegativeZero(text, j)) return -1;
    }
  }
  return -1;
}

/** Index just past the scalar (number, true, false, null) starting at `i`. */
function skipScalar(text: string, i: number): number {
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === COMMA || c === CLOSE_BRACE || c === CLOSE_BRACKET || isSpace(c)) break;
    j++;
  }
  return j;
}

/**
 * The exact text of member `key` of the JSON object `text` (last one wins, as in JSON.parse), or
 * undefined when the member is missing, is not an object or array, or holds a number whose text
 * could decode differently from JSON.stringify of its value. `text` must be valid JSON.
 */
export function jsonMemberText(text: string, key: string): string | undefined {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== OPEN_BRACE) return undefined;
  i = skipSpace(text, i + 1);
  let found: string | undefined;
  while (i < text.length && text.charCodeAt(i) === QUOTE) {
    const keyEnd = skipString(text, i);
    const raw = text.slice(i + 1, keyEnd - 1);
    const decoded: unknown = raw.includes('\\') ? JSON.parse(text.slice(i, keyEnd)) : raw;
    const name = typeof decoded === 'string' ? decoded : raw;
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== COLON) return undefined;
    i = skipSpace(text, i + 1);
    const wanted = name === key;
    const c = text.charCodeAt(i);
    let end: number;
    if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      const checked = wanted ? skipContainer(text, i, true) : -1;
      // An unsafe value for `key` is still skipped: a later duplicate may win.
      end = checked >= 0 ? checked : skipContainer(text, i, false);
      if (end < 0) return undefined;
      if (wanted) found = checked >= 0 ? text.slice(i, end) : undefined;
    } else {
      end = c === QUOTE ? skipString(text, i) : skipScalar(text, i);
      if (wanted) found = undefined;
    }
    i = skipSpace(text, end);
    if (text.charCodeAt(i) === COMMA) i = skipSpace(text, i + 1);
  }
  return found;
}
