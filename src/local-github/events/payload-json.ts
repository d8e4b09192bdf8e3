/**
 * A webhook body's JSON text, exactly as `JSON.stringify(body)` writes it, but reusing the cached text of an
 * untouched repository object (most of every payload's bytes) instead of stringifying it again.
 */
import { knownRepoJson } from '../serialize/repos.js';

export function payloadJson(body: Record<string, unknown>): string {
  let out = '{';
  for (const key of Object.keys(body)) {
    const value = body[key];
    // Like JSON.stringify: keys whose value has no JSON form (undefined, functions, symbols) are left out.
    const text = knownRepoJson(value) ?? (JSON.stringify(value) as string | undefined);
    if (text === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${text}`;
  }
  return `${out}}`;
}
