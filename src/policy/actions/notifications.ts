/**
 * Notifications (spec §12): message types, the texts the service sends (§6.4, §7.3, §7.4, §8, §10), which
 * messages each comment target receives, and the bodies of the GitHub comment and the Slack posts.
 * Pure: the shell resolves targets (slack-targets.ts) and performs the sends.
 */

export const MESSAGE_TYPES = [
  'error', 'open', 'close', 'accept', 'approve', 'block', 'reset', 'push-ignore', 'merge', 'tag', 'delete',
  'deploy', 'author',
] as const;

export type MessageType = (typeof MESSAGE_TYPES)[number];

export function isMessageType(value: unknown): value is MessageType {
  return typeof value === 'string' && (MESSAGE_TYPES as readonly string[]).includes(value);
}

export interface Notification {
  type: MessageType;
  text: string;
}

/** Anything with a `test` method: a compiled user regex (`compileRegex`) or a RegExp. */
export interface RegexLike {
  test(text: string): boolean;
}

/** A comment target as the engine needs it (config `comment.targets[*]`, pattern already compiled). */
export interface NotificationTarget {
  target: string;
  pattern?: RegexLike | null;
  types?: readonly string[] | null;
  names?: readonly string[] | null;
}

/** `Message from <SHORT> --`: every comment the service writes starts with it (spec §0). */
export function servicePrefix(brandingShort = 'checks-out'): string {
  return `Message from ${brandingShort} --`;
}

/** Whether a comment body was written by the service itself (such feedback is ignored, §6.1). */
export function isServiceMessage(body: string | undefined, brandingShort = 'checks-out'): boolean {
  return typeof body === 'string' && body.startsWith(servicePrefix(brandingShort));
}

/**
 * Whether a target accepts a message type. `types` absent, null or empty means every type: the
 * documented behaviour (the original suppressed everything for `[]`, a bug we do not copy).
 */
export function targetAcceptsType(target: NotificationTarget, type: string): boolean {
  const types = target.types;
  if (types === undefined || types === null || types.length === 0) return true;
  return types.includes(type);
}

/** Whether the target's title pattern (if any) admits this PR title. */
export function targetAcceptsTitle(target: NotificationTarget, prTitle: string): boolean {
  return target.pattern === undefined || target.pattern === null || target.pattern.test(prTitle);
}

/** The messages, in order, that one target receives (§12.2); `[]` when comments are disabled. */
export function messagesForTarget(
  target: NotificationTarget,
  messages: readonly Notification[],
  prTitle: string,
  commentEnabled = true,
): Notification[] {
  if (!commentEnabled || !targetAcceptsTitle(target, prTitle)) return [];
  return messages.filter((m) => targetAcceptsType(target, m.type));
}

/** The selected texts joined as the senders send them. */
export function joinMessages(messages: readonly Notification[]): string {
  return messages.map((m) => m.text).join('\n');
}

/** Body of the PR comment sent to a `github` target. */
export function githubCommentBody(prTitle: string, slug: string, messages: string, brandingShort = 'checks-out'): string {
  return `${servicePrefix(brandingShort)} Pull Request ${prTitle} in repo ${slug}: ${messages}`;
}

export interface SlackPost {
  channel: string;
  text: string;
  username: string;
  icon_url: string;
}

export interface SlackPostInput {
  /** GITHUB_URL, e.g. `https://github.com` (a trailing slash is dropped). */
  githubUrl: string;
  /** The service's own base URL, for the icon (the original produced `:///static/...`). */
  baseUrl: string;
  prTitle: string;
  prNumber: number;
  slug: string;
  messages: string;
  names: readonly string[] | null | undefined;
}

/** One JSON body per channel/user name; no names ⇒ nothing is sent. */
export function slackPosts(input: SlackPostInput): SlackPost[] {
  const github = input.githubUrl.replace(/\/+$/, '');
  const base = input.baseUrl.replace(/\/+$/, '');
  const text =
    `<${github}/${input.slug}/pull/${input.prNumber}|Pull Request ${input.prTitle}> ` +
    `in <${github}/${input.slug}|${input.slug}>: ${input.messages}`;
  return (input.names ?? []).map((channel) => ({
    channel,
    text,
    username: 'Meowser',
    icon_url: `${base}/static/images/meowser.png`,
  }));
}

// ---- message texts -------------------------------------------------------------------------------

const note = (type: MessageType, text: string): Notification => ({ type, text });

/** How the service names a policy in messages: its name, or `# <position>` when unnamed. */
export function policyLabel(policy: { name?: string; position: number }): string {
  return policy.name !== undefined && policy.name !== '' ? policy.name : `# ${policy.position}`;
}

export const messages = {
  opened: (policy: { name?: string; position: number }) => note('open', `opened Applying approval policy ${policyLabel(policy)}`),
  reopened: () => note('open', 'reopened'),
  /** Not sent by the original (§7.3 bug); texts chosen by us. */
  closed: () => note('close', 'closed'),
  accepted: () => note('accept', 'accepted'),
  pushIgnored: () => note('push-ignore', 'merged through the user interface. Merge commit ignored.'),
  reset: () => note('reset', 'updated. No comments before this one will count for approval.'),
  approvalAdded: (login: string) => note('approve', `approval added by ${login}.`),
  blockedBy: (login: string) => note('block', `blocked by ${login}.`),
  blockedAuthor: (author: string) => note('block', `blocked because it was created by unapproved author ${author}.`),
  blockedTitle: () => note('block', 'blocked because its title indicates that it should not be merged'),
  blockedAudit: () => note('block', 'blocked by gap in audit chain'),
  merged: () => note('merge', 'merged'),
  tagged: (tag: string) => note('tag', `Tag ${tag} has been added`),
  branchDeleted: (branch: string) => note('delete', `Branch ${branch} has been deleted`),
  deletionBlocked: (branch: string, reason: string) =>
    note('delete', `Deletion of the merged branch ${branch} has been blocked. ${reason}`),
  deployed: (baseBranch: string) => note('deploy', `Deployment has been triggered from branch ${baseBranch}`),
  error: (message: string) => note('error', message),
} as const;

/** The PR comment posted when author affirmation fails after an approval (§6.4). */
export function authorAffirmComment(brandingShort = 'checks-out'): string {
  return (
    `${servicePrefix(brandingShort)} Someone besides the committers and the PR author should approve the pull request. ` +
    'If this is not possible, the PR author can approve to indicate they have reviewed the other commits in the PR. ' +
    'The PR author must approve with a comment directly on the PR (GitHub Reviews comments will not work).'
  );
}

// ---- planning the sends --------------------------------------------------------------------------

export type PlannedSend =
  | { sender: 'github'; body: string }
  | { sender: 'slack'; url: string; posts: SlackPost[] };

export interface PlanInput {
  /** `comment.enable`. */
  enabled: boolean;
  /** Targets in config order, with the resolved target kind and URL (slack-targets.ts). */
  targets: readonly (NotificationTarget & { kind: 'github' | 'slack'; url: string })[];
  messages: readonly Notification[];
  prTitle: string;
  prNumber: number;
  slug: string;
  githubUrl: string;
  baseUrl: string;
  brandingShort?: string;
}

/**
 * What to send for one batch of messages (§12.2): per target, the selected messages joined; GitHub comments
 * only for a real PR number; Slack posts only with names and a URL.
 */
export function planNotifications(input: PlanInput): PlannedSend[] {
  if (!input.enabled) return [];
  const out: PlannedSend[] = [];
  for (const target of input.targets) {
    const selected = messagesForTarget(target, input.messages, input.prTitle);
    if (selected.length === 0) continue;
    const text = joinMessages(selected);
    if (target.kind === 'github') {
      if (input.prNumber > 0) out.push({ sender: 'github', body: githubCommentBody(input.prTitle, input.slug, text, input.brandingShort) });
      continue;
    }
    if (target.url === '') continue;
    const posts = slackPosts({ githubUrl: input.githubUrl, baseUrl: input.baseUrl, prTitle: input.prTitle, prNumber: input.prNumber, slug: input.slug, messages: text, names: target.names });
    if (posts.length > 0) out.push({ sender: 'slack', url: target.url, posts });
  }
  return out;
}
