/** Small helpers shared by route modules: typed params, body and query access, number parsing. */
import type { FastifyRequest } from 'fastify';
import { errors } from '../http/errors.js';

export function params(req: FastifyRequest): Record<string, string> {
  return req.params as Record<string, string>;
}

export function query(req: FastifyRequest): Record<string, string | undefined> {
  const q = (req.query ?? {}) as Record<string, unknown>;
  const out: Record<string, string | undefined> = Object.create(null);
  for (const [k, v] of Object.entries(q)) out[k] = Array.isArray(v) ? String(v[v.length - 1]) : typeof v === 'string' ? v : undefined;
  return out;
}

/** The JSON body as an object; anything else (array, string) is GitHub's 400. */
export function body(req: FastifyRequest): Record<string, unknown> {
  const b = req.body;
  if (b === undefined || b === null) return {};
  if (typeof b !== 'object' || Array.isArray(b)) throw errors.badRequest('Problems parsing JSON');
  return b as Record<string, unknown>;
}

/** A positive integer path parameter; anything else is a 404, as GitHub routes would not match. */
export function intParam(value: string | undefined): number {
  if (value === undefined || !/^\d{1,15}$/.test(value)) throw errors.notFound();
  return Number(value);
}

export function optionalString(b: Record<string, unknown>, field: string): string | undefined {
  const v = b[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw errors.invalidRequest(`For 'properties/${field}', ${JSON.stringify(v)} is not a string.`);
  return v;
}

export function requiredString(b: Record<string, unknown>, field: string): string {
  const v = b[field];
  if (v === undefined) throw errors.invalidRequest(`"${field}" wasn't supplied.`);
  if (typeof v !== 'string') throw errors.invalidRequest(`For 'properties/${field}', ${JSON.stringify(v)} is not a string.`);
  return v;
}

/** `since` (ISO 8601) as epoch ms; invalid values are GitHub's 422. */
export function sinceParam(value: string | undefined): number | null {
  if (value === undefined || value === '') return null;
  const ms = Date.parse(value);
  if (Number.isNaN(ms) || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw errors.validation([{ resource: 'Search', field: 'since', code: 'invalid' }]);
  return ms;
}
