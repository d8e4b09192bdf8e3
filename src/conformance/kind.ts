/**
 * The contract between the conformance runner (`runner.ts`) and one adapter per vector kind
 * (`kinds/<kind>.ts`). Comparison rules live in the runner; an adapter only runs the engine and renders its
 * result in the JSON shape of the vector's `expect` (conformance README §3.1).
 */
export interface KindAdapter {
  /** The `expect` fields that are compared (README §4, per kind). Others are informative and ignored. */
  normative: readonly string[];
  /**
   * Error fields of `expect` this kind understands (README §3.2), e.g. `['error']`, or for maintainers-snapshot
   * `['parse_error', 'snapshot_error', 'validate_error']`. Default `['error']`.
   */
  errorFields?: readonly string[];
  /**
   * Set-valued arrays (compared after sorting), as dotted paths into the result where `*` matches any key
   * or index: e.g. `approvers`, `config.approvals.*.scope.branches`, `orgs.*`.
   */
  setValued?: readonly string[];
  /** Error fields whose message is not compared (only whether it failed), e.g. dsl-parse. */
  messageNotCompared?: readonly string[];
  /**
   * Runs the operation. The returned object carries every normative field it produced, and for an engine
   * failure the error field (e.g. `error`) holding the message. Adapters catch only `PolicyError`: anything
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
