/**
 * What checks-out reports for one evaluation, as plain data (no I/O): the commit status of spec §7.1 and the
 * check run — conclusion, title (the status text), a Markdown summary a reviewer reads in seconds, the
 * effective config in a collapsed block, and annotations on the exact lines of broken policy files.
 * Every field is kept within GitHub's limits (check-text.ts): one field too long fails the whole write.
 */
import { renderExplanationMarkdown } from '../../policy/approval/render.js';
import { errorStatus, truncateDescription, type CommitStatus } from '../../policy/approval/status.js';
import type { Config } from '../../policy/config/types.js';
import { renderConfig } from '../../policy/config/render.js';
import {
  MAX_ANNOTATION_TEXT_BYTES,
  MAX_ANNOTATION_TITLE_BYTES,
  clampOutput,
  codeBlock,
  inlineCode,
  truncateBytes,
} from './check-text.js';
import type { Annotation, CheckConclusion } from './github-port.js';
import type { OutcomeContext, PrOutcome } from './evaluate-pr.js';
import type { Problem } from './load-policy.js';

export { MAX_SUMMARY_BYTES, clampOutput } from './check-text.js';

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

/** The status as posted (§7.1: cut to 135 bytes plus `...`); the check run's title is the same text. */
function posted(status: CommitStatus): Report['status'] {
  return { state: status.state, description: truncateDescription(status.description) };
}

function problemLine(p: Problem): string {
  const where = [p.source ? `${p.source}:${p.file}` : p.file, p.line, p.line !== undefined ? p.column : undefined]
    .filter((x) => x !== undefined)
    .join(':');
  return `${where}: ${p.message}`;
}

/** Only problems in this repository's files can be annotated: not the org template repo's, not a missing file's. */
function annotatable(p: Problem): boolean {
  return p.source === undefined && p.absent !== true;
}

/** Problems in this repository's files become annotations, each text within GitHub's byte limits. */
export function annotationsFor(problems: readonly Problem[], level: Annotation['annotation_level']): Annotation[] {
  return problems.filter(annotatable).map((p) => {
    const line = p.line ?? 1;
    const a: Annotation = {
      path: p.file,
      start_line: line,
      end_line: line,
      annotation_level: level,
      title: truncateBytes(level === 'failure' ? 'Invalid policy' : 'Policy warning', MAX_ANNOTATION_TITLE_BYTES),
      message: truncateBytes(p.message, MAX_ANNOTATION_TEXT_BYTES),
    };
    if (p.line !== undefined && p.column !== undefined) {
      a.start_column = p.column;
      a.end_column = p.column;
    }
    return a;
  });
}

/** The same problem found on the default branch and on the PR head (a file the PR does not change) is shown once. */
function distinct(annotations: readonly Annotation[]): Annotation[] {
  const seen = new Set<string>();
  return annotations.filter((a) => {
    const key = JSON.stringify([a.path, a.start_line, a.start_column, a.annotation_level, a.message]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Whether the PR head shows the default branch's version of `file`: the default branch's problems are
 * annotated on the PR head, so they are only where that file is the same. Without the changed files, a PR
 * with problems of its own changes policy files (which ones is unknown): annotate none of the default's.
 */
function sameOnHead(outcome: PrOutcome): (file: string) => boolean {
  if (outcome.changedFiles !== undefined) {
    const changed = new Set(outcome.changedFiles);
    return (file) => !changed.has(file);
  }
  const touchesPolicy = outcome.prProblems.length > 0;
  return () => !touchesPolicy;
}

/** The default branch's problems that can be annotated on the PR head, and the files of those that cannot. */
function defaultBranchAnnotations(problems: readonly Problem[], level: Annotation['annotation_level'], same: (file: string) => boolean) {
  const onHead = problems.filter((p) => same(p.file));
  const elsewhere = [...new Set(problems.filter((p) => annotatable(p) && !same(p.file)).map((p) => p.file))];
  return { annotations: annotationsFor(onHead, level), notAnnotated: elsewhere };
}

function branchName(context: OutcomeContext): string {
  return context.defaultBranch ? `the default branch (${inlineCode(context.defaultBranch)})` : 'the default branch';
}

function notAnnotatedNote(files: readonly string[], context: OutcomeContext): string[] {
  if (files.length === 0) return [];
  const names = files.map(inlineCode).join(', ');
  // Without the changed files, all that is known is that the PR changes policy files (it has problems of its own).
  const those = context.changedFiles === undefined ? 'policy files' : files.length === 1 ? 'that file' : 'those files';
  return ['', `These problems are in the version of ${names} on ${branchName(context)}. This pull request changes ${those}, so they are not annotated.`];
}

function problemsBlock(heading: string, problems: readonly Problem[]): string[] {
  if (problems.length === 0) return [];
  return ['', `**${heading}**`, '', ...codeBlock(problems.map(problemLine))];
}

function configBlock(config: Config | undefined): string[] {
  if (config === undefined) return [];
  let json: string;
  try {
    json = JSON.stringify(renderConfig(config), null, 2);
  } catch {
    return []; // e.g. the undocumented issue-author noun has no rendering; the summary stands without it
  }
  // Indented JSON starts every line with a space, brace or quote: no line of it can close the fence.
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

/** The §7.1 error text for a policy that cannot be loaded: the first problem's file and message. */
function configErrorText(problems: readonly Problem[]): string {
  const first = problems[0];
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : '';
  return `Parsing ${first?.file ?? 'policy'} file. ${first?.message ?? 'unknown error'}${more}`;
}

/** The report of one evaluation (where its annotations go: see `OutcomeContext`). */
export function buildReport(outcome: PrOutcome): Report {
  const same = sameOnHead(outcome);
  const prAnnotations = annotationsFor(outcome.prProblems, 'failure');
  if (outcome.kind === 'config-error') {
    const status = posted(errorStatus(configErrorText(outcome.problems)));
    const fromDefault = defaultBranchAnnotations(outcome.problems, 'failure', same);
    const summary = [
      `checks-out could not evaluate this pull request: the approval policy of ${branchName(outcome)} is invalid.`,
      ...problemsBlock('Problems', outcome.problems),
      ...notAnnotatedNote(fromDefault.notAnnotated, outcome),
      ...problemsBlock("Problems in this pull request's version of the policy files", outcome.prProblems),
    ];
    return {
      status,
      check: {
        conclusion: 'failure',
        title: status.description,
        summary: clampOutput(summary.join('\n')),
        annotations: distinct([...prAnnotations, ...fromDefault.annotations]),
      },
    };
  }
  const d = outcome.decision;
  const status = posted({ state: d.state, description: d.description });
  const warnings = defaultBranchAnnotations(outcome.warnings, 'warning', same);
  const summary = [
    renderExplanationMarkdown(d).trimEnd(),
    ...problemsBlock("This pull request's version of the policy files is invalid", outcome.prProblems),
    ...problemsBlock('Warnings', outcome.warnings),
    ...(outcome.warnings.length > 0 ? notAnnotatedNote(warnings.notAnnotated, outcome) : []),
    ...configBlock(outcome.config),
  ];
  return {
    status,
    check: {
      conclusion: conclusionOf(outcome),
      title: status.description,
      summary: clampOutput(summary.join('\n')),
      annotations: distinct([...prAnnotations, ...warnings.annotations]),
    },
  };
}

/** Spec §7.1: when evaluation fails for good, the status says so with the error message (and the title too). */
export function errorReport(message: string): Report {
  const text = message.trim() === '' ? 'unknown error' : message.trim();
  const status = posted(errorStatus(text));
  const summary = [
    'checks-out gave up evaluating this pull request after repeated failures:',
    '',
    ...codeBlock([text]),
    '',
    'Use **Re-evaluate** to try again.',
  ];
  return {
    status,
    check: { conclusion: 'failure', title: status.description, summary: clampOutput(summary.join('\n')), annotations: [] },
  };
}
