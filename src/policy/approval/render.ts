/**
 * Renderings of a Decision's explanation: plain text for `checks-out simulate`, Markdown for the check-run
 * summary. Every user-controlled string (titles, logins, bodies, policy names) is escaped for Markdown.
 */
import type { TraceNode } from '../dsl/trace.js';
import type { Decision, Explanation } from './evaluate.js';
import type { FeedbackExplanation } from './explain.js';
import { reviewState } from './classify.js';

function policyTitle(p: { position: number; name: string }): string {
  return p.name !== '' ? `#${p.position} "${p.name}"` : `#${p.position}`;
}

function scopeLine(e: Explanation): string {
  const skipped = e.scope.filter((s) => !s.matched).map((s) => `${policyTitle(s)} (${s.failed.join(', ')} did not match)`);
  return skipped.length === 0 ? 'the first policy whose scope matches' : `skipped ${skipped.join('; ')}`;
}

function titleLine(e: Explanation): string {
  if (e.title.antititle === undefined) return 'ok (no antititle)';
  const re = `\`${e.title.antititle}\``;
  return e.title.blocked ? `BLOCKED: matches antititle ${re}` : `ok (antititle ${re} does not match)`;
}

function authorLine(e: Explanation): string {
  if (!e.author.evaluated) return 'not evaluated (title blocks)';
  return e.author.holds ? `${e.author.login} is allowed` : `BLOCKED: ${e.author.login} is not allowed by \`${e.policy.authormatch}\``;
}

function disapprovalLine(e: Explanation, d: Decision): string {
  if (!e.disapproval.evaluated) return 'not evaluated';
  const who = d.disapprovers.length > 0 ? ` (disapprovers: ${d.disapprovers.join(', ')})` : '';
  return e.disapproval.holds ? `BLOCKED${who}` : `not blocking${who}`;
}

function missingText(e: Explanation): string[] {
  return e.approval.missing.map((m) => `needs ${m.needed} more approval${m.needed === 1 ? '' : 's'} from ${m.from} (\`${m.leaf}\`)`);
}

function approvalLine(e: Explanation): string {
  if (!e.approval.evaluated) return 'not evaluated (blocked earlier)';
  if (e.approval.holds) return 'holds';
  const missing = missingText(e);
  return missing.length > 0 ? `does not hold: ${missing.join('; ')}` : 'does not hold';
}

function affirmationLine(e: Explanation): string {
  switch (e.affirmation.rule) {
    case 'not-required': return 'not required';
    case 'author-only-commits': return 'ok (all commits by the author)';
    case 'author-approved': return 'ok (the author approved)';
    case 'non-committers-approved': return 'ok (approvals from non-committers suffice)';
    case 'failed': return `FAILED: commits by ${e.affirmation.otherCommitAuthors.map((a) => a || '(unlinked author)').join(', ')}; the PR author or non-committers must approve`;
  }
}

function cutoffLine(e: Explanation): string | undefined {
  const c = e.cutoff;
  if (c === undefined) return undefined;
  if (c.at === undefined) return 'none (no head commit time known)';
  const src = c.source === 'push' ? 'push time' : 'committer date (push time unknown)';
  const skipped = c.skippedUiMerges.length > 0 ? `, skipped UI merges ${c.skippedUiMerges.join(', ')}` : '';
  return `${new Date(c.at).toISOString()} (${src} of ${c.sha ?? 'the head'}${skipped})`;
}

function itemLabel(f: FeedbackExplanation): string {
  const when = typeof f.item.at === 'number' && Number.isFinite(f.item.at) ? ` at ${new Date(f.item.at).toISOString()}` : '';
  const what = f.item.type === 'review' ? `review (${reviewState(f.item)})` : 'comment';
  return `${what} by ${f.login}${when}`;
}

function traceLines(
  n: TraceNode, depth: number, out: string[], mark: (holds: boolean) => string, code: (s: string) => string, showNeeded = true,
): void {
  const pad = '  '.repeat(depth);
  let label = n.leaf !== undefined || n.children.length === 0 ? code(n.text) : n.type === 'atleast' ? `atleast (${n.satisfied ?? 0} hold)` : n.type;
  if (n.leaf !== undefined) {
    const who = n.counted.map((p) => p.login);
    label += who.length > 0 ? ` counted: ${who.join(', ')}` : '';
    if (showNeeded && !n.holds && n.needed !== null && n.needed > 0) label += ` (needs ${n.needed} more)`;
  }
  out.push(`${pad}${mark(n.holds)} ${label}`);
  for (const c of n.children) traceLines(c, depth + 1, out, mark, code, showNeeded);
}

/** Multi-line plain text for `simulate`. */
export function renderExplanationText(d: Decision): string {
  const e = d.explanation;
  const lines = [`Result: ${d.state} - ${d.description}`, `Policy: ${policyTitle(d.policy)} (${e ? scopeLine(e) : 'selected by scope'})`];
  if (e === undefined) return `${lines.join('\n')}\n`;
  lines.push(
    `  match:       ${e.policy.match}`,
    `  antimatch:   ${e.policy.antimatch}`,
    `  authormatch: ${e.policy.authormatch}`,
    `Title:        ${titleLine(e)}`,
    `Author:       ${authorLine(e)}`,
    `Disapproval:  ${disapprovalLine(e, d)}`,
    `Approval:     ${approvalLine(e)}`,
    `Approvers:    ${d.approvers.length > 0 ? d.approvers.join(', ') : '(none)'}`,
    `Affirmation:  ${affirmationLine(e)}`,
    `Audit:        ${e.audit.ok ? 'ok' : 'FAILED: audit chain must be manually approved'}`,
  );
  const cutoff = cutoffLine(e);
  if (cutoff !== undefined) lines.push(`Cutoff:       ${cutoff}`);
  lines.push(`Feedback (${e.feedback.length}):`);
  e.feedback.forEach((f, i) => lines.push(`  ${i + 1}. ${oneLine(itemLabel(f))}: ${oneLine(f.summary)}`));
  for (const [name, trace] of [['match', e.approval.trace], ['antimatch', e.disapproval.trace]] as const) {
    if (trace === undefined) continue;
    lines.push(`Expression (${name}):`);
    traceLines(trace, 1, lines, (h) => (h ? '[x]' : '[ ]'), (s) => s, name === 'match');
  }
  return `${lines.join('\n')}\n`;
}

function oneLine(s: string): string {
  return s.replace(/[\r\n]+/g, ' ');
}

/** Escapes text for Markdown inline content and table cells. */
export function escapeMarkdown(s: string): string {
  return oneLine(s).replace(/[\\`*_{}[\]<>|~&]/g, (c) => `\\${c}`);
}

/** Like escapeMarkdown, but keeps our own `code spans` (pipes inside them are still escaped for tables). */
function escapeKeepingCode(s: string): string {
  return oneLine(s)
    .split(/(`[^`\n]*`)/)
    .map((part, i) => (i % 2 === 1 ? part.replace(/\|/g, '\\|') : escapeMarkdown(part)))
    .join('');
}

function codeSpan(s: string): string {
  return `\`${oneLine(s).replace(/`/g, "'")}\``;
}

/** Markdown for the check-run summary: policy, checks, who approved and why not, the expression tree. */
export function renderExplanationMarkdown(d: Decision, options: { maxFeedbackRows?: number } = {}): string {
  const e = d.explanation;
  const out = [`**${escapeMarkdown(d.description)}**`, ''];
  const policyName = d.policy.name !== '' ? ` ${escapeMarkdown(d.policy.name)}` : '';
  out.push(`Policy #${d.policy.position}${policyName}${e ? ` — ${escapeMarkdown(scopeLine(e))}` : ''}`);
  if (e === undefined) return `${out.join('\n')}\n`;
  out.push(
    '',
    `- match: ${codeSpan(e.policy.match)}`,
    `- antimatch: ${codeSpan(e.policy.antimatch)}`,
    `- authormatch: ${codeSpan(e.policy.authormatch)}`,
    '',
    '| Check | Result |',
    '|---|---|',
    `| Title | ${escapeKeepingCode(titleLine(e))} |`,
    `| Author | ${escapeKeepingCode(authorLine(e))} |`,
    `| Disapprovals | ${escapeKeepingCode(disapprovalLine(e, d))} |`,
    `| Approvals | ${escapeKeepingCode(approvalLine(e))} |`,
    `| Author affirmation | ${escapeMarkdown(affirmationLine(e))} |`,
    `| Audit | ${e.audit.ok ? 'ok' : 'FAILED'} |`,
  );
  const cutoff = cutoffLine(e);
  if (cutoff !== undefined) out.push(`| Counting feedback after | ${escapeMarkdown(cutoff)} |`);
  for (const [name, trace] of [['match', e.approval.trace], ['antimatch', e.disapproval.trace]] as const) {
    if (trace === undefined) continue;
    out.push('', `**Expression (${name})**`, '');
    const lines: string[] = [];
    traceLines(trace, 0, lines, (h) => (h ? '- ✅' : '- ❌'), codeSpan, name === 'match');
    out.push(...lines.map((l) => escapeCounted(l)));
  }
  const missing = missingText(e);
  if (missing.length > 0) out.push('', ...missing.map((m) => `- ${escapeKeepingCode(m)}`));
  if (e.feedback.length > 0) {
    // The most recent rows matter most; very long conversations are cut from the oldest end.
    const max = Math.max(1, options.maxFeedbackRows ?? 100);
    const shown = e.feedback.slice(-max);
    out.push('', '| Who | Feedback | Counted | Why |', '|---|---|---|---|');
    if (shown.length < e.feedback.length) out.push(`| | ${e.feedback.length - shown.length} earlier items not shown | | |`);
    for (const f of shown) {
      const counted = f.approved ? 'approval' : f.disapproved ? 'disapproval' : 'no';
      out.push(`| ${escapeMarkdown(f.login)} | ${escapeMarkdown(itemLabel(f).replace(/ by \S+/, ''))} | ${counted} | ${escapeKeepingCode(f.summary)} |`);
    }
  }
  return `${out.join('\n')}\n`;
}

/** Logins after `counted:` in a tree line come from users: escape them (the code span is already safe). */
function escapeCounted(line: string): string {
  const i = line.indexOf(' counted: ');
  if (i < 0) return line;
  return line.slice(0, i) + ' counted: ' + escapeMarkdown(line.slice(i + ' counted: '.length));
}
