/**
 * GitHub's error responses. Route handlers throw a `GitHubError`; the server's error handler writes it with
 * GitHub's body shape (`{message, documentation_url, status}`, plus `errors` for validation failures).
 */

export const DOCS = 'https://docs.github.com/rest';

export interface ValidationErrorItem {
  resource?: string;
  field?: string;
  code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  message?: string;
  value?: unknown;
  index?: number;
}

export class GitHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: { documentation_url?: string; errors?: unknown[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'GitHubError';
  }

  body(): Record<string, unknown> {
    const out: Record<string, unknown> = { message: this.message };
    if (this.extra.errors) out.errors = this.extra.errors;
    out.documentation_url = this.extra.documentation_url ?? DOCS;
    out.status = String(this.status);
    return out;
  }
}

export const errors = {
  /** 404 — also what GitHub answers for private resources the caller cannot see. */
  notFound: (documentation_url?: string) => new GitHubError(404, 'Not Found', { documentation_url }),
  badCredentials: () => new GitHubError(401, 'Bad credentials'),
  requiresAuth: () => new GitHubError(401, 'Requires authentication'),
  /** 403 for an installation token lacking a permission. */
  notAccessibleByIntegration: () => new GitHubError(403, 'Resource not accessible by integration'),
  /** 403 for a user token lacking permission on the resource. */
  forbidden: (message = 'Must have admin rights to Repository.') => new GitHubError(403, message),
  /** 422 `Validation Failed` with a list of field errors (GitHub's semantic family). */
  validation: (items: ValidationErrorItem[], documentation_url?: string) =>
    new GitHubError(422, 'Validation Failed', { errors: items, documentation_url }),
  /** 422 `Invalid request.\n\n...` (GitHub's JSON-schema family: no `errors` array). */
  invalidRequest: (detail: string, documentation_url?: string) =>
    new GitHubError(422, `Invalid request.\n\n${detail}`, { documentation_url }),
  /** 422 with a plain message, e.g. `No commit found for SHA: abc`. */
  unprocessable: (message: string, documentation_url?: string) => new GitHubError(422, message, { documentation_url }),
  badRequest: (message = 'Problems parsing JSON') => new GitHubError(400, message),
  conflict: (message: string) => new GitHubError(409, message),
  methodNotAllowed: (message: string) => new GitHubError(405, message),
};
