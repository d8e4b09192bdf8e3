/**
 * The route template of a GitHub request (`GET /repos/{owner}/{repo}/issues/{issue_number}/comments`), the
 * label GitHub calls are counted under. Octokit hands the request hook a template for `octokit.rest.*` calls,
 * but a concrete URL for pagination follow-ups (the `Link` header's `next`: host, port, ids and query) and
 * for `octokit.request('GET /repos/o/r')`; counting those as they are would make the metric's label set
 * grow with every repository and PR. Concrete paths are matched against the REST API's templates (taken
 * from Octokit's own endpoint table); a path no template matches is counted as `<METHOD> (other)`.
 */
import { Octokit } from '@octokit/rest';

interface Template {
  route: string;
  /** Path segments; `null` for a parameter. */
  segments: (string | null)[];
  literals: number;
}

let index: Map<string, Template[]> | undefined;

function templates(method: string): Template[] {
  if (!index) {
    index = new Map();
    const rest = new Octokit().rest as unknown as Record<string, Record<string, { endpoint?: { DEFAULTS?: { method?: string; url?: string } } }>>;
    const seen = new Set<string>();
    for (const ns of Object.values(rest)) {
      for (const fn of Object.values(ns)) {
        const d = fn.endpoint?.DEFAULTS;
        if (!d?.method || !d.url) continue;
        const key = `${d.method} ${d.url}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const segments = d.url.split('/').slice(1).map((s) => (/^\{[^}]+\}$/.test(s) ? null : s));
        const list = index.get(d.method) ?? [];
        list.push({ route: d.url, segments, literals: segments.filter((s) => s !== null).length });
        index.set(d.method, list);
      }
    }
  }
  return index.get(method) ?? [];
}

function matches(t: Template, parts: string[]): boolean {
  // A trailing parameter may hold slashes (`contents/{path}`, `git/ref/{ref}`).
  const last = t.segments.length - 1;
  if (parts.length < t.segments.length || (parts.length > t.segments.length && t.segments[last] !== null)) return false;
  for (let i = 0; i < t.segments.length; i++) {
    const s = t.segments[i];
    if (s === null ? parts[i] === '' : s !== parts[i]) return false;
  }
  return true;
}

/** The API path of a request URL: query dropped, and for an absolute URL the API base's path prefix too. */
function apiPath(url: string, baseUrl: string | undefined): string {
  let path = url;
  if (/^https?:\/\//i.test(url)) {
    try {
      path = new URL(url).pathname;
    } catch {
      return '';
    }
    const prefix = baseUrl && /^https?:\/\//i.test(baseUrl) ? new URL(baseUrl).pathname.replace(/\/+$/, '') : '';
    if (prefix !== '' && (path === prefix || path.startsWith(`${prefix}/`))) path = path.slice(prefix.length);
  }
  const q = path.search(/[?#]/);
  return q === -1 ? path : path.slice(0, q);
}

function score(t: Template, parts: string[]): number {
  return (t.segments.length === parts.length ? 1000 : 0) + t.literals;
}

/** `<METHOD> <template>` for a request: bounded whatever the URL holds. */
export function routeTemplate(method: string, url: string, baseUrl?: string): string {
  const m = method.toUpperCase();
  const path = apiPath(url, baseUrl);
  if (path.includes('{')) return `${m} ${path}`; // already a template
  const parts = path.split('/').slice(1);
  let best: Template | undefined;
  for (const t of templates(m)) {
    if (!matches(t, parts)) continue;
    // Prefer the exact length, then the most literal segments (`pulls/comments` over `pulls/{pull_number}`).
    if (!best || score(t, parts) > score(best, parts)) best = t;
  }
  return best ? `${m} ${best.route}` : `${m} (other)`;
}
