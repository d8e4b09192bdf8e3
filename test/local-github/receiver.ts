/** A real HTTP server receiving webhook deliveries, verifying `X-Hub-Signature-256` with @octokit/webhooks-methods. */
import { createServer, type Server } from 'node:http';
import { verify } from '@octokit/webhooks-methods';

export interface Received {
  event: string;
  delivery: string;
  headers: Record<string, string | string[] | undefined>;
  payload: Record<string, unknown>;
  signatureValid: boolean;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Status code answered to the next deliveries (default 200). */
  respondWith: number;
  close(): Promise<void>;
}

export async function startReceiver(secret: string | null): Promise<Receiver> {
  const received: Received[] = [];
  const state = { respondWith: 200 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const sig = String(req.headers['x-hub-signature-256'] ?? '');
      const finish = (valid: boolean): void => {
        received.push({ event: String(req.headers['x-github-event']), delivery: String(req.headers['x-github-delivery']), headers: req.headers, payload: JSON.parse(raw) as Record<string, unknown>, signatureValid: valid });
        res.writeHead(state.respondWith, { 'content-type': 'text/plain' }).end('thanks');
      };
      if (!secret) return finish(sig === '');
      verify(secret, raw, sig).then(finish, () => finish(false));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${addr.port}/hook`,
    received,
    get respondWith() {
      return state.respondWith;
    },
    set respondWith(v: number) {
      state.respondWith = v;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
