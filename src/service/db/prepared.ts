/**
 * Hot queries compiled once. Kysely builds an operation tree and compiles it to SQL on every call (~15–20 µs
 * and a few hundred short-lived objects); the statements a busy service runs per webhook and per evaluation
 * have fixed shapes, so `prepared` builds a shape once per database (dialect) with placeholder values and
 * afterwards only binds the call's values to the compiled SQL.
 *
 * Only for shapes that do not depend on the values (no `in` lists, no optional clauses): the placeholders
 * must each come out as exactly one parameter, which is checked when the shape is first compiled.
 */
import { CompiledQuery, type Compilable, type Kysely, type QueryResult } from 'kysely';
import type { Database } from './schema.js';

type Values = Record<string, string | number | null>;

interface Shape {
  sql: string;
  /** For each parameter of the compiled query: the name of the value it takes, or a constant. */
  slots: ({ name: string } | { constant: unknown })[];
}

const MARK = '\u0000prepared:';

export interface Prepared<V extends Values, R> {
  (db: Kysely<Database>, values: V): Promise<QueryResult<R>>;
}

/**
 * `build` receives placeholder values (strings) in place of the real ones; it must use each exactly once,
 * as a query value (`where(col, '=', v.x)`, `.limit(v.n)`, `.values({ col: v.x })`).
 */
export function prepared<V extends Values, R>(names: readonly (keyof V & string)[], build: (db: Kysely<Database>, v: V) => Compilable<R>): Prepared<V, R> {
  // Compiled SQL depends only on the dialect; a Kysely instance (and its transactions) keeps one adapter.
  const shapes = new WeakMap<object, Shape>();
  const shapeFor = (db: Kysely<Database>): Shape => {
    const key = db.getExecutor().adapter;
    let shape = shapes.get(key);
    if (shape === undefined) {
      const placeholders = Object.fromEntries(names.map((n) => [n, `${MARK}${n}`])) as unknown as V;
      const compiled = build(db, placeholders).compile();
      const slots = compiled.parameters.map((p) => (typeof p === 'string' && p.startsWith(MARK) ? { name: p.slice(MARK.length) } : { constant: p }));
      const used = slots.flatMap((s) => ('name' in s ? [s.name] : []));
      if (used.length !== names.length || names.some((n) => !used.includes(n))) {
        throw new Error(`prepared query: each of ${names.join(', ')} must be used exactly once as a value (got ${used.join(', ') || 'none'})`);
      }
      shape = { sql: compiled.sql, slots };
      shapes.set(key, shape);
    }
    return shape;
  };
  return (db, values) => {
    // A database with plugins (the tests' statement tracer) gets the query built as usual, so they see it.
    if (db.getExecutor().plugins.length > 0) return db.executeQuery<R>(build(db, values));
    const shape = shapeFor(db);
    const parameters = shape.slots.map((s) => ('name' in s ? values[s.name] : s.constant));
    return db.executeQuery<R>(CompiledQuery.raw(shape.sql, parameters));
  };
}
