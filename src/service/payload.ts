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
