/**
 * `checks-out demo`: plays the demo maintainer against a running out-of-the-box demo (`npm start` with no
 * GitHub configured): comments `I approve` on the demo PR and waits for the check run and status to go green.
 */
import type { CommandModule } from '../main.js';
import { parseArgs, UsageError } from '../args.js';

const usage = `Usage: checks-out demo [--credentials FILE] [--service URL] [--github URL] [--timeout SECONDS]

Drives the demo started by 'npm start' (checks-out serve with no GitHub configured): the maintainer alice
comments "I approve" on the demo pull request in the local GitHub, then the command waits until the
checks-out check run and commit status are green, printing what happens and the PR page URL.

Options:
  --credentials FILE  the demo's credentials file (default ./checks-out-demo.json, written by the demo)
  --github URL        the local GitHub's URL: without --credentials, read the credentials from its control API
                      (GET URL/_emulator/credentials) instead of the file; with it, override the file's URL
  --service URL       the checks-out service (default: the one in the credentials file, else
                      http://localhost:8000)
  --timeout SECONDS   how long to wait for green (default 60)
`;

function urlOption(value: string | undefined, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (!/^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(value)) throw new UsageError(`--${name} must be an http(s) URL, got '${value}'`);
  return value;
}

export const command: CommandModule = {
  summary: 'Approve the demo pull request as a maintainer and watch the check turn green',
  usage,
  async run(args) {
    let file: string | undefined;
    let serviceUrl: string | undefined;
    let githubUrl: string | undefined;
    let timeoutMs = 60_000;
    try {
      const parsed = parseArgs(args, {
        credentials: { type: 'string' },
        service: { type: 'string' },
        github: { type: 'string' },
        timeout: { type: 'string' },
      });
      if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
      const o = parsed.options;
      if (typeof o.credentials === 'string') file = o.credentials;
      serviceUrl = urlOption(o.service as string | undefined, 'service');
      githubUrl = urlOption(o.github as string | undefined, 'github');
      if (typeof o.timeout === 'string') {
        const s = Number(o.timeout);
        if (!/^\d+(\.\d+)?$/.test(o.timeout) || !(s > 0) || s > 3600) throw new UsageError(`--timeout must be a number of seconds (0 < s <= 3600), got '${o.timeout}'`);
        timeoutMs = Math.round(s * 1000);
      }
    } catch (err) {
      if (err instanceof UsageError) {
        process.stderr.write(`checks-out demo: ${err.message}\n${usage}`);
        return 2;
      }
      throw err;
    }
    const { existsSync } = await import('node:fs');
    const { driveDemo, fetchDemoCredentials, readDemoCredentials } = await import('../../service/demo/drive-demo.js');
    const fromControlApi = githubUrl !== undefined && file === undefined;
    file ??= 'checks-out-demo.json';
    if (!fromControlApi && !existsSync(file)) {
      process.stderr.write(`checks-out demo: ${file} not found. Start the demo first ('npm start' with no GitHub configured), in this directory, or give --github URL.\n`);
      return 1;
    }
    try {
      const credentials = fromControlApi
        ? await fetchDemoCredentials(githubUrl!, serviceUrl ?? 'http://localhost:8000')
        : readDemoCredentials(file);
      const result = await driveDemo({ credentials, serviceUrl, githubUrl: fromControlApi ? undefined : githubUrl, timeoutMs });
      return result.green ? 0 : 1;
    } catch (err) {
      process.stderr.write(`checks-out demo: ${(err as Error).message}\n`);
      return 1;
    }
  },
};
