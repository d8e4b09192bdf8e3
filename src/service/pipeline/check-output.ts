/**
 * What checks-out reports for one evaluation, as plain data (no I/O): the commit status of spec §7.1 and the
 * check run — conclusion, title (the status text), a Markdown summary a reviewer reads in seconds, the
 * effective config in a collapsed block, and annotations on the exact lines of broken policy files.
 */
import { renderExplanationMarkdown } from '../../policy/approval/render.js';
import { truncateDescription } from '../../policy/approval/status.js';
import type { Config } from '../../policy/config/types.js';
import { renderConfig } from '../../policy/config/render.js';
import type { Annotation, CheckConclusion } from './github-port.js';
import type { PrOutcome } from './evaluate-pr.js';
import type { Problem } from './load-policy.js';

/** GitHub's limit on each check-run output field. */
export const MAX_OUTPUT_CHARS = 65_535;

export const REEVALUATE_ACTION = {
  label: 'Re-evaluate',
  description: 'Evaluate the approval policy again',
  identifier: 'reevaluate',
} as const;

export interface Report {
  status: { state: 'success' | 'error' | 'pending'; description: string };
  check: {
    conclusion: CheckConclusion;
    title: string;
    summary: string;
    annotations: Annotation[];
  };
}

/** Cuts text to GitHub's output limit without splitting a surrogate pair, saying that it was cut. */
export function clampOutput(text: string, max = MAX_OUTPUT_CHARS): string {
  if (text.length <= max) return text;
  const note = '\n\n… (truncated)';
  let end = max - note.length;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end--;
  return text.slice(0, end) + note;
}

function problemLine(p: Problem): string {
  const where = [p.source ? `${p.source}:${p.file}` : p.file, p.line, p.line !== undefined ? p.column : undefined]
    .filter((x) => x !== undefined)
    .join(':');
  return `${where}: ${p.message}`;
}

/**
 * Problems in this repository's files become annotations; those in the org template repo cannot, and a
 * missing file has no line to point at.
 */
export function annotationsFor(problems: readonly Problem[], level: Annotation['annotation_level']): Annotation[] {
  return problems
    .filter((p) => p.source === undefined && p.absent !== true)
    .map((p) => {
      const line = p.line ?? 1;
      const a: Annotation = {
        path: p.file,
        start_line: line,
        end_line: line,
        annotation_level: level,
        title: level === 'failure' ? 'Invalid policy' : 'Policy warning',
        message: p.message.slice(0, 64 * 1024),
      };
      if (p.line !== undefined && p.column !== undefined) {
        a.start_column = p.column;
        a.end_column = p.column;
      }
      return a;
    });
}

function problemsBlock(heading: string, problems: readonly Problem[]): string[] {
  if (problems.length === 0) return [];
  return ['', `**${heading}**`, '', '```', ...problems.map(problemLine), '```'];
}

function configBlock(config: Config | undefined): string[] {
  if (config === undefined) return [];
  let json: string;
  try {
    json = JSON.stringify(renderConfig(config), null, 2);
  } catch {
    return []; // e.g. the undocumented issue-author noun has no rendering; the summary stands without it
  }
  return ['', '<details><summary>Effective configuration</summary>', '', '```json', json, '```', '', '</details>'];
}

function conclusionOf(outcome: Extract<PrOutcome, { kind: 'decision' }>): CheckConclusion {
  const d = outcome.decision;
  if (outcome.prProblems.length > 0) return 'failure';
  if (d.approved) return 'success';
  if (!d.validTitle || !d.validAuthor || d.disapprovers.length > 0) return 'failure';
  // Waiting for approvals, for the author's affirmation or for the audit: someone has to act.
  return 'action_required';
}

export function buildReport(outcome: PrOutcome): Report {
  if (outcome.kind === 'config-error') {
    const first = outcome.problems[0];
    const more = outcome.problems.length > 1 ? ` (and ${outcome.problems.length - 1} more)` : '';
    const description = `Parsing ${first?.file ?? 'policy'} file. ${first?.message ?? 'unknown error'}${more}`;
    return {
      status: { state: 'error', description: truncateDescription(description) },
      check: {
        conclusion: 'failure',
        title: 'Invalid approval policy',
        summary: clampOutput(
          [
            'checks-out could not evaluate this pull request: the approval policy of the default branch is invalid.',
            ...problemsBlock('Problems', outcome.problems),
            ...problemsBlock("Problems in this pull request's version of the policy files", outcome.prProblems),
          ].join('\n'),
        ),
        annotations: annotationsFor(outcome.problems, 'failure'),
      },
    };
  }
  const d = outcome.decision;
  const summary = [
    renderExplanationMarkdown(d).trimEnd(),
    ...problemsBlock("This pull request's version of the policy files is invalid", outcome.prProblems),
    ...problemsBlock('Warnings', outcome.warnings),
    ...configBlock(outcome.config),
  ].join('\n');
  return {
    status: { state: d.state, description: truncateDescription(d.description) },
    check: {
      conclusion: conclusionOf(outcome),
      title: d.description.slice(0, 1000),
      summary: clampOutput(summary),
      annotations: [...annotationsFor(outcome.prProblems, 'failure'), ...annotationsFor(outcome.warnings, 'warning')],
    },
  };
}

/** Spec §7.1: when evaluation fails for good, the status says so with the error message. */
export function errorReport(message: string): Report {
  const text = message.trim() === '' ? 'unknown error' : message.trim();
  const summary = [
    'checks-out gave up evaluating this pull request after repeated failures:',
    '',
    '```',
    text.replace(/`{3,}/g, '`'),
    '```',
    '',
    'Use **Re-evaluate** to try again.',
  ].join('\n');
  return {
    status: { state: 'error', description: truncateDescription(text) },
    check: { conclusion: 'failure', title: 'checks-out could not evaluate this pull request', summary: clampOutput(summary), annotations: [] },
  };
}
