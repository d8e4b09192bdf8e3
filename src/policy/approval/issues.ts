/**
 * Issues a PR closes (spec §3.5, the `issue-author` noun): `close|closes|closed|fix|fixes|fixed|resolve|
 * resolves|resolved #N`, case-insensitive, in the PR body or any feedback body. The caller looks up the
 * issues' authors.
 */
const CLOSING = /\b(?:close[sd]?|fix(?:e[sd])?|resolve[sd]?)\s*#(\d{1,9})\b/gi;

/** Referenced issue numbers, ascending, each once. */
export function closingIssueNumbers(texts: Iterable<string | undefined>): number[] {
  const found = new Set<number>();
  for (const text of texts) {
    if (typeof text !== 'string') continue;
    for (const m of text.matchAll(CLOSING)) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}
