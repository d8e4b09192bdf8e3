/**
 * Errors of the checks domain with the exact bodies GitHub returns. Routes send `status` + `body` as they are.
 */

const DOCS = 'https://docs.github.com/rest/checks';

/** `documentation_url` per operation, as GitHub links them. */
export const DOC_URLS = {
  createRun: `${DOCS}/runs#create-a-check-run`,
  getRun: `${DOCS}/runs#get-a-check-run`,
  updateRun: `${DOCS}/runs#update-a-check-run`,
  listAnnotations: `${DOCS}/runs#list-check-run-annotations`,
  rerequestRun: `${DOCS}/runs#rerequest-a-check-run`,
  listRunsForSuite: `${DOCS}/runs#list-check-runs-in-a-check-suite`,
  listRunsForRef: `${DOCS}/runs#list-check-runs-for-a-git-reference`,
  createSuite: `${DOCS}/suites#create-a-check-suite`,
  setPreferences: `${DOCS}/suites#update-repository-preferences-for-check-suites`,
  getSuite: `${DOCS}/suites#get-a-check-suite`,
  rerequestSuite: `${DOCS}/suites#rerequest-a-check-suite`,
  listSuitesForRef: `${DOCS}/suites#list-check-suites-for-a-git-reference`,
} as const;
export type ChecksOperation = keyof typeof DOC_URLS;

/** One entry of a "Validation Failed" body (GitHub's `validation-error` item). */
export interface FieldError {
  resource: string;
  field: string;
  code: 'missing_field' | 'invalid' | 'already_exists' | 'custom';
  message?: string;
}

export class ChecksError extends Error {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
  ) {
    super(typeof body.message === 'string' ? body.message : `HTTP ${status}`);
    this.name = 'ChecksError';
  }
}

/** Family 1: JSON-schema failures. One line per problem after the fixed "Invalid request." header. */
export function invalidRequest(lines: string[], op: ChecksOperation): ChecksError {
  return new ChecksError(422, {
    message: `Invalid request.\n\n${lines.join('\n')}`,
    documentation_url: DOC_URLS[op],
    status: '422',
  });
}

/** Family 2: semantic failures ("Validation Failed" with an `errors` array). */
export function validationFailed(errors: FieldError[], op: ChecksOperation): ChecksError {
  return new ChecksError(422, {
    message: 'Validation Failed',
    errors,
    documentation_url: DOC_URLS[op],
    status: '422',
  });
}

/** A plain 422 with a message and no `errors` (e.g. "No commit found for SHA: …"). */
export function unprocessable(message: string, op: ChecksOperation): ChecksError {
  return new ChecksError(422, { message, documentation_url: DOC_URLS[op], status: '422' });
}

export function notFound(op: ChecksOperation): ChecksError {
  return new ChecksError(404, { message: 'Not Found', documentation_url: DOC_URLS[op], status: '404' });
}

export function forbidden(message: string, op: ChecksOperation): ChecksError {
  return new ChecksError(403, { message, documentation_url: DOC_URLS[op], status: '403' });
}
