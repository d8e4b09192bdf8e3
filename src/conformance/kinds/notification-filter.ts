/** Conformance kind `notification-filter` (README §4.13): which messages a target receives, and sender bodies. */
import {
  githubCommentBody, messagesForTarget, slackPosts, type Notification,
} from '../../policy/actions/notifications.js';
import { compileRegex } from '../../policy/regex.js';
import { SkipVector, type KindAdapter } from '../kind.js';
import { bool, record, str, strings } from './_input.js';

function messagesText(v: unknown): string {
  if (typeof v === 'string') return v;
  return strings(v).join('\n');
}

export const adapter: KindAdapter = {
  normative: ['delivered_types', 'comment_body', 'posts'],
  run(input) {
    if (input.sender === 'github') {
      return { comment_body: githubCommentBody(str(input.pr_title), str(input.slug), messagesText(input.messages)) };
    }
    if (input.sender === 'slack') {
      const posts = slackPosts({
        githubUrl: str(input.github_url, 'https://github.com'),
        baseUrl: '<BASE_URL>',
        prTitle: str(input.pr_title),
        prNumber: typeof input.pr_number === 'number' ? input.pr_number : 0,
        slug: str(input.slug),
        messages: messagesText(input.messages),
        names: strings(input.names),
      });
      return { posts };
    }
    if (input.target === undefined) throw new SkipVector('unrecognised notification-filter shape');
    const t = record(input.target);
    const pattern = typeof t.pattern === 'string' ? compileRegex(t.pattern) : null;
    const types = Array.isArray(t.types) ? strings(t.types) : null;
    // Unknown types are kept (as plain strings) so that a target listing them still receives them.
    const pending = strings(input.message_types).map((type) => ({ type, text: type }) as Notification);
    const delivered = messagesForTarget(
      { target: str(t.target), pattern, types, names: strings(t.names) },
      pending,
      str(input.pr_title),
      bool(input.comment_enable, true),
    );
    return { delivered_types: delivered.map((m) => m.type) };
  },
};
