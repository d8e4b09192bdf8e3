/**
 * Page/per_page pagination with a `Link` header written the way GitHub writes it: links in the order
 * prev, next, last, first; no prev on page 1; no next/last on the last page; no header when one page holds all.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errors } from './errors.js';

export interface PageParams {
  page: number;
  perPage: number;
}

export function pageParams(query: unknown, defaultPerPage = 30): PageParams {
  const q = (query ?? {}) as Record<string, unknown>;
  const perPage = clampInt(q.per_page, defaultPerPage, 'per_page');
  const page = clampInt(q.page, 1, 'page');
  return { page: Math.max(page, 1), perPage: Math.min(Math.max(perPage, 1), 100) };
}

function clampInt(value: unknown, fallback: number, name: string): number {
  if (value === undefined || value === '') return fallback;
  const s = String(value);
  if (!/^-?\d{1,9}$/.test(s)) throw errors.invalidRequest(`Invalid value for "${name}"`);
  return Number(s);
}

/**
 * Returns the requested page of `items` and sets the `Link` header. `selfUrl` is the absolute URL to page
 * (GitHub uses `/repositories/{id}/...` for repository resources); the request's other query parameters are
 * carried over.
 */
export function paginate<T>(req: FastifyRequest, reply: FastifyReply, items: readonly T[], selfUrl: string, defaultPerPage = 30): T[] {
  const { page, perPage } = pageParams(req.query, defaultPerPage);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const link = linkHeader(selfUrl, req.query, page, perPage, last);
  if (link) reply.header('link', link);
  return items.slice((page - 1) * perPage, page * perPage);
}

export function linkHeader(selfUrl: string, query: unknown, page: number, perPage: number, last: number): string | null {
  if (last <= 1 && page <= 1) return null;
  const base = new URL(selfUrl);
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) {
    if (k === 'page' || k === 'per_page') continue;
    if (typeof v === 'string') base.searchParams.set(k, v);
    else if (Array.isArray(v)) for (const item of v) base.searchParams.append(k, String(item));
  }
  const at = (p: number): string => {
    const u = new URL(base);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(p));
    return `<${u.toString()}>`;
  };
  const parts: string[] = [];
  if (page > 1) parts.push(`${at(Math.min(page - 1, last))}; rel="prev"`);
  if (page < last) {
    parts.push(`${at(page + 1)}; rel="next"`);
    parts.push(`${at(last)}; rel="last"`);
  }
  if (page > 1) parts.push(`${at(1)}; rel="first"`);
  return parts.length ? parts.join(', ') : null;
}
