/**
 * The contract between the conformance runner (`runner.ts`) and one adapter per vector kind
 * (`kinds/<kind>.ts`). Comparison rules live in the runner; an adapter only runs the engine and renders its
 * result in the JSON shape of the vector's `expect` (conformance README §3.1).
 *
 * Each `kinds/<kind>.ts` exports `adapter: KindAdapter` (a default export is accepted too); the registry in
 * `kinds/index.ts` loads it lazily. A missing module fails that kind's vectors with "adapter not implemented".
 *
 * The result may use `Map` (rendered as an object) and `Set` (rendered as an array); keys whose value is
 * `undefined` count as absent, exactly as in JSON. `null` is a value.
 */
export interface KindAdapter {
  /** The `expect` fields that are compared (README §4, per kind). Others are informative and ignored. */
  normative: readonly string[];
  /**
   * Open-ended normative fields: every `expect` key starting with one of these is compared too
   * (e.g. tag-template's `tag_for_version_` for `tag_for_version_1.2.3`).
   */
  normativePrefixes?: readonly string[];
  /**
   * Error fields of `expect` this kind understands (README §3.2), e.g. `['error']`, or for maintainers-snapshot
   * `['parse_error', 'snapshot_error', 'validate_error']`. Default `['error']`.
   */
  errorFields?: readonly string[];
  /**
   * Set-valued arrays (compared after sorting), as dotted paths into the result where `*` matches any key
   * or index: e.g. `approvers`, `config.approvals.*.scope.branches`, `orgs.*`. `**` matches any number of
   * segments (zero included), e.g. `ast.**.members` for every `members` array anywhere in an AST.
   */
  setValued?: readonly string[];
  /**
   * Error fields whose message is not compared (only whether it failed), e.g. dsl-parse. They form one
   * group: failure is expected when `expect` has any of them and reported when the result has any of them,
   * so an adapter may report a dsl-parse failure as `error` even when the vector says `compile_error`.
   */
  messageNotCompared?: readonly string[];
  /**
   * Error fields compared only when `expect` has them (absent = that stage is not run), e.g.
   * maintainers-snapshot's `validate_error`. The runner always treats `validate_error` this way.
   * Every other error field absent from `expect` means "must succeed".
   */
  optionalErrorFields?: readonly string[];
  /**
   * Kind-specific comparison of one normative field, replacing the generic rules of README §3.1 for it
   * (e.g. notification-filter `posts`, with its `"(same)"` text and `<BASE_URL>` icon). Returns a one-line
   * mismatch description, or `undefined` when equal. `actual` is `undefined` when the result lacks the field.
   */
  compare?: Readonly<Record<string, (expected: unknown, actual: unknown) => string | undefined>>;
  /**
   * Runs the operation. The returned object carries every normative field it produced, and for an engine
   * failure the error field (e.g. `error`) holding the message (a string; a `PolicyError` is accepted).
   * A `PolicyError` thrown out of `run` is taken as a failure reported in the first of `errorFields`. Adapters catch only `PolicyError`: anything
   * else propagates and the runner reports it as a crash. Throw `SkipVector` when the vector asks for
   * something this kind does not recognise (README §2).
   */
  run(input: Record<string, unknown>, expect: Record<string, unknown>): Record<string, unknown> | Promise<Record<string, unknown>>;
}

export class SkipVector extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SkipVector';
  }
}
