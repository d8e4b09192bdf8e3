/**
 * `checks-out local-github`: runs the local GitHub emulator until interrupted. On start it prints (and with
 * --credentials-out writes) what a client needs to connect. With --state F the state is loaded from F when it
 * exists and saved back to F on exit.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import type { CommandModule } from '../main.js';
import { parseArgs, UsageError } from '../args.js';
import { err, out } from '../io.js';
import { createLocalGitHub, type LocalGitHub } from '../../local-github/server.js';
import { seedDemo } from '../../local-github/seed/demo.js';
import { credentialsOf } from '../../local-github/credentials.js';

const usage = `Usage: checks-out local-github [--port N] [--host H] [--public-url U] [--state F] [--seed demo] [--credentials-out F] [--app-webhook-url U]

Runs a local GitHub: a stateful emulator of the GitHub REST API (served under /api/v3), webhooks, GitHub App
auth, a per-PR HTML view (at the web URL), and a control API under /_emulator.

Options:
  --port N              port to listen on (default 3000; 0 = any free port)
  --host H              address to bind (default 127.0.0.1; the control API has no authentication)
  --public-url U        origin to advertise in URLs (e.g. http://github.local:3000) instead of the bound address
  --state F             load state from F if it exists; save it to F on exit (SIGINT/SIGTERM)
  --seed demo           create the demo world (org, members, teams, repos, app, a PR awaiting approval)
                        unless state was loaded from --state
  --credentials-out F   also write the connection details as JSON to F (mode 0600)
  --app-webhook-url U   where the (first) GitHub App's webhook deliveries go

On start, prints one JSON line: {"api_url","web_url","app":{"id","slug","private_key","webhook_secret",...},
"installations":[{"id","account"}],"users":[{"login","token"}]}.
`;

export interface LocalGitHubRun {
  lg: LocalGitHub;
  /** Stops the server (saving --state) and resolves the command with exit code 0. */
  stop(): Promise<void>;
  done: Promise<number>;
}

interface Options {
  port: number;
  host: string;
  state?: string;
  seed?: 'demo';
  credentialsOut?: string;
  appWebhookUrl?: string;
  publicUrl?: string;
}

function parse(args: string[]): Options {
  const parsed = parseArgs(args, {
    port: { type: 'string' }, host: { type: 'string' }, state: { type: 'string' }, seed: { type: 'string' },
    'credentials-out': { type: 'string' }, 'app-webhook-url': { type: 'string' }, 'public-url': { type: 'string' },
  });
  if (parsed.positionals.length) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
  const o = parsed.options as Record<string, string | undefined>;
  const port = o.port === undefined ? 3000 : Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be an integer 0-65535, not '${o.port}'`);
  if (o.seed !== undefined && o.seed !== 'demo') throw new UsageError(`--seed supports only 'demo', not '${o.seed}'`);
  if (o['app-webhook-url'] !== undefined && !/^https?:\/\/\S+$/.test(o['app-webhook-url'])) throw new UsageError('--app-webhook-url must be an http(s) URL');
  if (o['public-url'] !== undefined && !/^https?:\/\/[^/\s]+\/?$/.test(o['public-url'])) throw new UsageError('--public-url must be an http(s) origin such as http://host:3000');
  return { port, host: o.host ?? '127.0.0.1', state: o.state, seed: o.seed as 'demo' | undefined, credentialsOut: o['credentials-out'], appWebhookUrl: o['app-webhook-url'], publicUrl: o['public-url'] };
}

/** Starts the emulator as the command does; exported so tests can run and stop it in-process. */
export async function startLocalGitHub(args: string[]): Promise<LocalGitHubRun> {
  const opts = parse(args);
  const lg = createLocalGitHub({ origin: opts.publicUrl });
  await lg.app.ready();
  let loaded = false;
  if (opts.state && existsSync(opts.state)) {
    await lg.load(opts.state);
    loaded = true;
  }
  if (!loaded && opts.seed === 'demo') seedDemo(lg, { appWebhookUrl: opts.appWebhookUrl ?? null });
  if (opts.appWebhookUrl) {
    const app = [...lg.state.apps.values()].sort((a, b) => a.id - b.id)[0];
    if (app) app.webhook_url = opts.appWebhookUrl;
    else err('checks-out local-github: --app-webhook-url given but there is no GitHub App yet (create one through the control API)\n');
  }
  const where = await lg.start(opts.port, opts.host);
  const creds = credentialsOf(lg);
  // The file is written before the line is printed, so a reader of stdout can rely on it.
  if (opts.credentialsOut) await writeFile(opts.credentialsOut, `${JSON.stringify(creds, null, 2)}\n`, { mode: 0o600 });
  out(`${JSON.stringify(creds)}\n`);
  err(`local GitHub: API ${where.api_url}, web ${where.web_url}, control ${where.web_url}/_emulator${loaded ? ` (state loaded from ${opts.state})` : ''}\n`);

  let resolveDone!: (code: number) => void;
  const done = new Promise<number>((r) => (resolveDone = r));
  let stopping: Promise<void> | null = null;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (opts.state) await lg.save(opts.state).catch((e: Error) => err(`checks-out local-github: could not save state: ${e.message}\n`));
      await lg.close();
      resolveDone(0);
    })();
    return stopping;
  };
  return { lg, stop, done };
}

export const command: CommandModule = {
  summary: 'run a local GitHub emulator (REST API, webhooks, app auth, control API)',
  usage,
  async run(args) {
    let run: LocalGitHubRun;
    try {
      run = await startLocalGitHub(args);
    } catch (e) {
      if (e instanceof UsageError) {
        err(`checks-out local-github: ${e.message}\n${usage}`);
        return 2;
      }
      err(`checks-out local-github: ${(e as Error).message}\n`);
      return 1;
    }
    const onSignal = (): void => void run.stop();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    const code = await run.done;
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    return code;
  },
};
