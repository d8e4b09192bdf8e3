/**
 * Fault injection per route, driven by the control API: added latency, 5xx answers, 403 secondary rate limit
 * with Retry-After, 401, and timeouts (the connection is held, then dropped).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface FaultRule {
  id: number;
  /** HTTP method to match, or `*`. */
  method: string;
  /** Path glob against the API path without the `/api/v3` prefix and query, `*` matching within a segment, `**` across. */
  path: string;
  kind: 'latency' | 'status' | 'secondary_rate_limit' | 'unauthorized' | 'timeout';
  /** latency: added delay; timeout: how long the connection is held before being dropped. */
  ms?: number;
  /** status: the code to answer (e.g. 500, 502, 503). */
  status?: number;
  /** secondary_rate_limit: Retry-After seconds. */
  retryAfter?: number;
  /** How many matching requests it applies to (then it is removed); unlimited when absent. */
  times?: number;
}

export class Faults {
  private rules: FaultRule[] = [];

  /** True when no rule is set: the per-request hook then skips `apply` (and its promise) entirely. */
  get empty(): boolean {
    return this.rules.length === 0;
  }
  private nextId = 1;
  private readonly timers = new Set<NodeJS.Timeout>();

  add(rule: Omit<FaultRule, 'id'>): FaultRule {
    const r: FaultRule = { ...rule, id: this.nextId++ };
    this.rules.push(r);
    return r;
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  remove(id: number): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  /** Cancels held connections (on server close). */
  dispose(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Applies the first matching rule; returns true when the reply has been taken over. */
  async apply(req: FastifyRequest, reply: FastifyReply, apiPath: string): Promise<boolean> {
    const rule = this.rules.find((r) => (r.method === '*' || r.method.toUpperCase() === req.method) && globMatch(r.path, apiPath));
    if (!rule) return false;
    if (rule.times !== undefined) {
      rule.times -= 1;
      if (rule.times <= 0) this.remove(rule.id);
    }
    switch (rule.kind) {
      case 'latency':
        await this.sleep(rule.ms ?? 1000);
        return false;
      case 'status': {
        const status = rule.status ?? 500;
        await reply.code(status).send({ message: status >= 500 ? 'Server Error' : 'Injected fault', documentation_url: 'https://docs.github.com/rest', status: String(status) });
        return true;
      }
      case 'secondary_rate_limit':
        await reply.code(403).header('retry-after', String(rule.retryAfter ?? 60)).send({
          message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          status: '403',
        });
        return true;
      case 'unauthorized':
        await reply.code(401).send({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
        return true;
      case 'timeout':
        await this.sleep(rule.ms ?? 30_000);
        req.raw.socket.destroy();
        return true;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.timers.delete(t);
        resolve();
      }, Math.max(0, Math.min(ms, 600_000)));
      this.timers.add(t);
    });
  }
}

export function globMatch(pattern: string, path: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
    } else if (c === '*') re += '[^/]*';
    else re += c.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`).test(path);
}
