/**
 * Reading untrusted webhook payloads: every field is type-checked before use. Shared by intake, the job
 * seam and the pipeline so that they agree on what a well-formed value is.
 */
export type Obj = Record<string, unknown>;

/** A plain JSON object, or undefined (arrays and null are not objects here). */
export function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A positive safe integer (ids, PR numbers), or undefined. */
export function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined;
}

/** The stored delivery body as a JSON object, or undefined when it is not one. */
export function parseObject(text: string): Obj | undefined {
  try {
    return obj(JSON.parse(text));
  } catch {
    return undefined;
  }
}

/** `owner/name` as GitHub allows them (names are checked before they key a job, a query or a log line). */
export const REPO_FULL_NAME = /^[A-Za-z0-9_.-]{1,100}\/[A-Za-z0-9_.-]{1,100}$/;

/** A commit SHA as webhooks carry it (40 lower-case hex digits). */
export const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** A git object id: SHA-1, or SHA-256 for repositories that use it. */
export const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
