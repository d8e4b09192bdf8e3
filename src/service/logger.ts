/**
 * pino JSON logger. Anything that could carry a credential is redacted wherever it appears in a log object,
 * and request URLs lose their query string (the original registered hooks with `?access_token=`).
 */
import { pino, type Logger } from 'pino';
import type { LogLevel } from './config/types.js';

const REDACT = [
  'token',
  'secret',
  'password',
  'privateKey',
  'authorization',
  '*.token',
  '*.secret',
  '*.password',
  '*.privateKey',
  '*.authorization',
  '*.clientSecret',
  '*.webhookSecret',
  '*.secretKey',
  'headers.authorization',
  'headers.cookie',
  'headers["x-hub-signature-256"]',
  'headers["x-hub-signature"]',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-hub-signature-256"]',
  'req.headers["x-hub-signature"]',
];

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: level === 'panic' ? 'fatal' : level,
      base: { service: 'checks-out' },
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: {
        req: (req: { method?: string; url?: string; id?: unknown }) => ({ method: req.method, url: stripQuery(req.url), id: req.id }),
        err: serializeError,
      },
    },
    destination,
  );
}

/**
 * pino's error serializer, without what a failed request carried: an Octokit error keeps the request it
 * sent, body included (a new hook's `config.secret`, a token exchange), deeper than redaction paths reach.
 * Only the method and the URL (without its query) are kept.
 */
function serializeError(err: Error): ReturnType<typeof pino.stdSerializers.err> {
  const out = pino.stdSerializers.err(err) as ReturnType<typeof pino.stdSerializers.err> & { request?: unknown };
  const request = out.request;
  if (request !== undefined && request !== null && typeof request === 'object') {
    const r = request as { method?: unknown; url?: unknown };
    out.request = { method: typeof r.method === 'string' ? r.method : undefined, url: typeof r.url === 'string' ? stripQuery(r.url) : undefined };
  } else if (request !== undefined) {
    delete out.request;
  }
  return out;
}

export function stripQuery(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
