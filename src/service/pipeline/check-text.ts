/**
 * Text that goes into a check run, made safe for GitHub: every output field cut to its limit in UTF-8
 * bytes (GitHub answers 422 to the whole write when one field is too long, and then nothing is shown),
 * and untrusted text (config errors, error messages, file names) rendered so that it cannot escape the
 * Markdown block it is shown in.
 */

/** `output.summary` and `output.text`: "maxLength 65535" (cut in bytes, which also bounds characters). */
export const MAX_SUMMARY_BYTES = 65_535;
/** Annotation `message` and `raw_details`: "64 KB". */
export const MAX_ANNOTATION_TEXT_BYTES = 64 * 1024;
/** Annotation `title`: 255 characters (cut in bytes, which also bounds characters). */
export const MAX_ANNOTATION_TITLE_BYTES = 255;

export const TRUNCATION_MARKER = '… (truncated)';

const encoder = new TextEncoder();

export function utf8Bytes(text: string): number {
  return encoder.encode(text).length;
}

/**
 * Replaces unpaired surrogates with U+FFFD: they have no UTF-8 encoding, so GitHub would store (and we
 * would count) something else than what we cut.
 */
export function wellFormed(text: string): string {
  return text.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

function charBytes(codePoint: number): number {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  if (codePoint < 0x10000) return 3;
  return 4;
}

/** The longest prefix of a well-formed `text` that fits in `maxBytes`, ending on a character boundary. */
function prefixWithin(text: string, maxBytes: number): string {
  let bytes = 0;
  let end = 0;
  for (const ch of text) {
    bytes += charBytes(ch.codePointAt(0) ?? 0);
    if (bytes > maxBytes) break;
    end += ch.length; // 2 for a surrogate pair: the pair is kept or dropped whole
  }
  return text.slice(0, end);
}

/**
 * Cuts `text` to at most `maxBytes` UTF-8 bytes, ending with `marker` when something was cut. Never
 * splits a multi-byte sequence or a surrogate pair. The result is always well-formed.
 */
export function truncateBytes(text: string, maxBytes: number, marker = TRUNCATION_MARKER): string {
  const clean = wellFormed(text);
  // A UTF-16 unit is at most 3 UTF-8 bytes: short text needs no encoding to be known to fit.
  if (clean.length * 3 <= maxBytes || utf8Bytes(clean) <= maxBytes) return clean;
  const room = maxBytes - utf8Bytes(marker);
  if (room < 0) return prefixWithin(marker, maxBytes);
  return prefixWithin(clean, room) + marker;
}

/** A summary or text field: cut to GitHub's limit with the marker on a line of its own. */
export function clampOutput(text: string, maxBytes = MAX_SUMMARY_BYTES): string {
  return truncateBytes(text, maxBytes, `\n\n${TRUNCATION_MARKER}`);
}

/**
 * Untrusted text for the inside of a ``` fenced block. A line can only close the fence with a run of three
 * or more backticks (or end the block as a container would), so every such run becomes one backtick;
 * CR is a line ending to Markdown too, and other control characters have no business in a report.
 */
export function codeBlockText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/`{3,}/g, '`')
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '\ufffd');
}

/** Untrusted lines as a fenced code block (the text inside cannot break out; HTML in it is shown as text). */
export function codeBlock(lines: readonly string[], info = ''): string[] {
  return ['```' + info, ...lines.map(codeBlockText), '```'];
}

/**
 * Untrusted text as an inline code span on one line: newlines become spaces, and the span is delimited by
 * one more backtick than the longest run inside it (CommonMark), padded when it starts or ends with one.
 */
export function inlineCode(text: string): string {
  const flat = codeBlockText(text).replace(/\n/g, ' ');
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const tick = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${tick}${pad}${flat}${pad}${tick}`;
}
