/**
 * A ServiceDb that records every statement the queue runs successfully (compiled SQL and parameters), so tests can
 * assert how many statements / write transactions an operation costs and which index a query uses.
 */
import type { CompiledQuery, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, UnknownRow } from 'kysely';
import type { ServiceDb } from '../../../src/service/db/connect.js';

export interface Traced {
  sdb: ServiceDb;
  statements: CompiledQuery[];
  /** SQL texts since the last call (lower-cased, whitespace collapsed). */
  take(): string[];
}

export function traced(base: ServiceDb): Traced {
  const statements: CompiledQuery[] = [];
  // A builder used as a subquery is transformed too but never executed: record on the result only.
  const pending = new WeakMap<object, CompiledQuery>();
  let seen = 0;
  const db = base.db.withPlugin(
    new (class implements KyselyPlugin {
      transformQuery(args: PluginTransformQueryArgs) {
        pending.set(args.queryId, base.db.getExecutor().compileQuery(args.node, args.queryId));
        return args.node;
      }
      async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
        const done = pending.get(args.queryId);
        if (done) statements.push(done);
        return args.result;
      }
    })(),
  );
  return {
    sdb: { ...base, db },
    statements,
    take() {
      const out = statements.slice(seen).map((s) => s.sql.toLowerCase().replace(/\s+/g, ' '));
      seen = statements.length;
      return out;
    },
  };
}
