/**
 * Who receives each check webhook (spec §1.7, GitHub's webhook-events page):
 * - `requested` / `rerequested` (suite and run) and `requested_action` go only to the app concerned,
 *   and that app needs `checks:write`;
 * - `check_run.created` / `.completed` and `check_suite.completed` go to every app installed on the
 *   repository with `checks` read or write;
 * - repository and organisation hooks never get `requested`, `rerequested` or `requested_action`: they get
 *   `check_suite.completed`, and `check_run.created` / `.completed` (GitHub's webhook page: "Repository and
 *   organization webhooks only receive payloads for the created and completed event types").
 */
import type { ChecksEvent } from './types.js';

export type ChecksPermission = 'read' | 'write' | undefined;

export interface Audience {
  /** `owner`: only the app that owns the run/suite; `subscribed`: every app with checks permission. */
  apps: 'owner' | 'subscribed';
  /** Minimum `checks` permission an app needs to receive it. */
  minPermission: 'read' | 'write';
  /** Whether repository and organisation hooks (subscribed to the event) receive it. */
  repoHooks: boolean;
}

const TABLE: Record<string, Audience> = {
  'check_suite.requested': { apps: 'owner', minPermission: 'write', repoHooks: false },
  'check_suite.rerequested': { apps: 'owner', minPermission: 'write', repoHooks: false },
  'check_suite.completed': { apps: 'subscribed', minPermission: 'read', repoHooks: true },
  'check_run.created': { apps: 'subscribed', minPermission: 'read', repoHooks: true },
  'check_run.completed': { apps: 'subscribed', minPermission: 'read', repoHooks: true },
  'check_run.rerequested': { apps: 'owner', minPermission: 'write', repoHooks: false },
  'check_run.requested_action': { apps: 'owner', minPermission: 'write', repoHooks: false },
};

export function audienceOf(event: Pick<ChecksEvent, 'event' | 'action'>): Audience {
  const audience = TABLE[`${event.event}.${event.action}`];
  if (!audience) throw new Error(`no audience rule for ${event.event}.${event.action}`);
  return audience;
}

export interface InstalledApp {
  appId: number;
  installationId: number;
  checks: ChecksPermission;
}

/** Picks the installations that receive `event`, given the app that owns the run/suite. */
export function appReceivers(
  event: Pick<ChecksEvent, 'event' | 'action'>,
  ownerAppId: number,
  installed: readonly InstalledApp[],
): InstalledApp[] {
  const audience = audienceOf(event);
  return installed.filter((inst) => {
    if (inst.checks === undefined) return false;
    if (audience.minPermission === 'write' && inst.checks !== 'write') return false;
    return audience.apps === 'subscribed' || inst.appId === ownerAppId;
  });
}
