/**
 * URL builders. The API is served under `/api/v3` (GitHub Enterprise style) and the web UI at the root, so one
 * port serves both; `api_url`/`web_url` are what clients are told to use.
 */
export interface Urls {
  /** e.g. `http://127.0.0.1:3000/api/v3` */
  readonly apiBase: string;
  /** e.g. `http://127.0.0.1:3000` */
  readonly webBase: string;
  /** Absolute API URL for a path starting with `/` (`/repos/o/r`). */
  api(path: string): string;
  /** Absolute web (html_url) URL for a path starting with `/` (`/o/r/pull/1`). */
  web(path: string): string;
}

export const API_PREFIX = '/api/v3';

export class MutableUrls implements Urls {
  private origin: string;

  constructor(origin = 'http://127.0.0.1') {
    this.origin = origin.replace(/\/+$/, '');
  }

  /** Called once the server knows its port (or when a public origin is configured). */
  setOrigin(origin: string): void {
    this.origin = origin.replace(/\/+$/, '');
  }

  get apiBase(): string {
    return this.origin + API_PREFIX;
  }

  get webBase(): string {
    return this.origin;
  }

  api(path: string): string {
    return this.apiBase + path;
  }

  web(path: string): string {
    return this.webBase + path;
  }
}
