/**
 * Value types of the checks domain (check runs, check suites, annotations, preferences).
 * Records are plain mutable objects owned by `ChecksStore`; nothing here knows about HTTP.
 */

export const RUN_STATUSES = ['queued', 'in_progress', 'completed'] as const;
/** Statuses only GitHub Actions may set; accepted by the update schema but refused to other writers. */
export const ACTIONS_ONLY_STATUSES = ['waiting', 'requested', 'pending'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const RUN_CONCLUSIONS = [
  'action_required',
  'cancelled',
  'failure',
  'neutral',
  'success',
  'skipped',
  'stale',
  'timed_out',
] as const;
export type RunConclusion = (typeof RUN_CONCLUSIONS)[number];
/** Suites can also conclude `startup_failure` (GitHub Actions only; never produced by a run here). */
export type SuiteConclusion = RunConclusion | 'startup_failure';
export type SuiteStatus = 'queued' | 'in_progress' | 'completed';

export const ANNOTATION_LEVELS = ['notice', 'warning', 'failure'] as const;
export type AnnotationLevel = (typeof ANNOTATION_LEVELS)[number];

export interface Annotation {
  path: string;
  start_line: number;
  end_line: number;
  start_column: number | null;
  end_column: number | null;
  annotation_level: AnnotationLevel;
  title: string | null;
  message: string;
  raw_details: string | null;
}

export interface OutputImage {
  alt: string;
  image_url: string;
  caption: string | null;
}

export interface RunAction {
  label: string;
  description: string;
  identifier: string;
}

export interface CheckRunRecord {
  id: number;
  repoId: number;
  appId: number;
  suiteId: number;
  headSha: string;
  name: string;
  externalId: string;
  detailsUrl: string | null;
  status: RunStatus;
  conclusion: RunConclusion | null;
  /** Emulator time (ms) the run was created; the 14-day stale rule counts from here. */
  createdAt: number;
  startedAt: number;
  completedAt: number | null;
  output: { title: string | null; summary: string | null; text: string | null };
  annotations: Annotation[];
  images: OutputImage[];
  actions: RunAction[];
}

export interface CheckSuiteRecord {
  id: number;
  repoId: number;
  appId: number;
  headSha: string;
  headBranch: string | null;
  before: string | null;
  after: string | null;
  status: SuiteStatus;
  conclusion: SuiteConclusion | null;
  createdAt: number;
  updatedAt: number;
  /** Set once `check_suite.requested` went out for this suite (GitHub sends one per SHA per app). */
  requested: boolean;
}

/** `auto_trigger_checks` entry of the repository's suite preferences. */
export interface AutoTriggerSetting {
  app_id: number;
  setting: boolean;
}

/** A check webhook the domain wants sent; the wiring turns it into deliveries for the right receivers. */
export type ChecksEvent =
  | { event: 'check_run'; action: 'created' | 'completed' | 'rerequested'; runId: number; senderId: number | null }
  | { event: 'check_run'; action: 'requested_action'; runId: number; senderId: number | null; identifier: string }
  | {
      event: 'check_suite';
      action: 'requested' | 'rerequested' | 'completed';
      suiteId: number;
      senderId: number | null;
    };
