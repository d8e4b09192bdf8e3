/**
 * Slack target resolution (spec §12.3): `github` stays as it is, `slack` uses SLACK_TARGET_URL, and any
 * other target string is a Slack host whose URL was registered by the enabling user (preferred) or by an
 * administrator (user `""`).
 */
import { PolicyError } from '../errors.js';

export interface StoredSlackUrl {
  host: string;
  /** Login of the user who registered it; `""` for an admin-level registration. */
  user: string;
  url: string;
}

export interface ResolvedTarget {
  target: 'github' | 'slack';
  /** `""` for github. */
  url: string;
}

/** Resolves every target in order; an unknown host fails the whole webhook. */
export function resolveSlackTargets(
  targets: readonly { target: string }[],
  enablingUser: string,
  slackTargetUrl: string,
  stored: readonly StoredSlackUrl[],
): ResolvedTarget[] {
  const userUrls = new Map<string, string>();
  const adminUrls = new Map<string, string>();
  for (const s of stored) {
    if (s.user === '') adminUrls.set(s.host, s.url);
    else if (s.user === enablingUser) userUrls.set(s.host, s.url);
  }
  return targets.map(({ target }) => {
    if (target === 'github') return { target: 'github', url: '' };
    if (target === 'slack') return { target: 'slack', url: slackTargetUrl };
    const url = userUrls.get(target) ?? adminUrls.get(target);
    if (url === undefined) throw new PolicyError(`No URL found for slack host ${target}`);
    return { target: 'slack', url };
  });
}
