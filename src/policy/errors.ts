/**
 * The engine's one designated error type. Every failure the policy engine reports on bad input is a
 * PolicyError (or an AggregateError of them); anything else escaping the engine is a bug (a "crash").
 *
 * `message` is the wire-visible text (the original checks-out wording, spec §2.5, §3.2, §4); the location
 * is kept apart so that callers can render `file:line:col: message` or annotate a check run line.
 */
export interface SourceLocation {
  /** File the error is in, e.g. `.checks-out` or `MAINTAINERS`; absent when not tied to a file. */
  file?: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column (characters, not bytes). */
  column?: number;
}

export class PolicyError extends Error {
  readonly location: SourceLocation;

  constructor(message: string, location: SourceLocation = {}) {
    super(message);
    this.name = 'PolicyError';
    this.location = { ...location };
  }

  /** A copy carrying a location; fields already set on this error win over `fallback`. */
  at(fallback: SourceLocation): PolicyError {
    const err = new PolicyError(this.message, { ...fallback, ...this.location });
    return err;
  }

  /** `file:line:col: message`, omitting the parts that are unknown. */
  format(): string {
    return formatLocated(this.message, this.location);
  }
}

/** Several errors found together; its message is rendered as checks-out does (spec §2.5). */
export class PolicyErrors extends PolicyError {
  readonly errors: readonly PolicyError[];

  constructor(errors: readonly PolicyError[]) {
    super(renderErrorList(errors.map((e) => e.message)), errors[0]?.location ?? {});
    this.name = 'PolicyErrors';
    this.errors = errors;
  }

  /** One error stays itself; several become a PolicyErrors; none is undefined. */
  static of(errors: readonly PolicyError[]): PolicyError | undefined {
    if (errors.length === 0) return undefined;
    if (errors.length === 1) return errors[0];
    return new PolicyErrors(errors);
  }

  /** Flattens nested lists so every leaf error keeps its own location. */
  static flatten(err: PolicyError): PolicyError[] {
    return err instanceof PolicyErrors ? err.errors.flatMap((e) => PolicyErrors.flatten(e)) : [err];
  }
}

/** `N error(s) occurred:\n\n* e1\n* e2` for several messages, the bare message for one. */
export function renderErrorList(messages: readonly string[]): string {
  if (messages.length === 1) return messages[0];
  return `${messages.length} error(s) occurred:\n\n${messages.map((m) => `* ${m}`).join('\n')}`;
}

export function formatLocated(message: string, loc: SourceLocation): string {
  const parts: string[] = [];
  if (loc.file !== undefined) parts.push(loc.file);
  if (loc.line !== undefined) parts.push(String(loc.line));
  if (loc.line !== undefined && loc.column !== undefined) parts.push(String(loc.column));
  return parts.length > 0 ? `${parts.join(':')}: ${message}` : message;
}

export function isPolicyError(e: unknown): e is PolicyError {
  return e instanceof PolicyError;
}
