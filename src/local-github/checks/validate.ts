/**
 * Request validation for the check-run and check-suite bodies: the schema family ("Invalid request.")
 * first, then the stateless semantic rules ("Validation Failed"). Returns normalised inputs.
 */
import { checkSchema, type Schema } from './schema-check.js';
import { invalidRequest, validationFailed, type ChecksOperation, type FieldError } from './errors.js';
import {
  ACTIONS_ONLY_STATUSES,
  ANNOTATION_LEVELS,
  RUN_CONCLUSIONS,
  RUN_STATUSES,
  type Annotation,
  type OutputImage,
  type RunAction,
  type RunConclusion,
  type RunStatus,
} from './types.js';

export const OUTPUT_TEXT_MAX = 65535;
export const ANNOTATIONS_PER_REQUEST = 50;
export const ACTIONS_MAX = 3;
export const ANNOTATION_TITLE_MAX = 255;
/** "The maximum size is 64 KB" for an annotation's message and raw_details, counted in UTF-8 bytes. */
export const ANNOTATION_TEXT_MAX_BYTES = 64 * 1024;

const annotationSchema: Schema = {
  type: 'object',
  required: ['path', 'start_line', 'end_line', 'annotation_level', 'message'],
  properties: {
    path: { type: 'string' },
    start_line: { type: 'integer' },
    end_line: { type: 'integer' },
    start_column: { type: 'integer' },
    end_column: { type: 'integer' },
    annotation_level: { type: 'string', enum: ANNOTATION_LEVELS },
    message: { type: 'string' },
    title: { type: 'string' },
    raw_details: { type: 'string' },
  },
};

const imageSchema: Schema = {
  type: 'object',
  required: ['alt', 'image_url'],
  properties: { alt: { type: 'string' }, image_url: { type: 'string' }, caption: { type: 'string' } },
};

const actionSchema: Schema = {
  type: 'object',
  required: ['label', 'description', 'identifier'],
  properties: {
    label: { type: 'string', maxLength: 20 },
    description: { type: 'string', maxLength: 40 },
    identifier: { type: 'string', maxLength: 20 },
  },
};

function outputSchema(required: readonly string[]): Schema {
  return {
    type: 'object',
    required,
    properties: {
      title: { type: 'string' },
      summary: { type: 'string', maxLength: OUTPUT_TEXT_MAX },
      text: { type: 'string', maxLength: OUTPUT_TEXT_MAX },
      annotations: { type: 'array', items: annotationSchema, maxItems: ANNOTATIONS_PER_REQUEST },
      images: { type: 'array', items: imageSchema },
    },
  };
}

function runSchema(create: boolean): Schema {
  const statuses = create ? RUN_STATUSES : [...RUN_STATUSES, ...ACTIONS_ONLY_STATUSES];
  return {
    type: 'object',
    required: create ? ['name', 'head_sha'] : [],
    properties: {
      name: { type: 'string' },
      ...(create ? { head_sha: { type: 'string' } } : {}),
      details_url: { type: 'string' },
      external_id: { type: 'string' },
      status: { type: 'string', enum: statuses },
      started_at: { type: 'string', format: 'date-time' },
      conclusion: { type: 'string', enum: RUN_CONCLUSIONS },
      completed_at: { type: 'string', format: 'date-time' },
      output: outputSchema(create ? ['title', 'summary'] : ['summary']),
      actions: { type: 'array', items: actionSchema, maxItems: ACTIONS_MAX },
    },
  };
}

const CREATE_RUN_SCHEMA = runSchema(true);
const UPDATE_RUN_SCHEMA = runSchema(false);

/** A validated create/update body. Absent keys stay undefined so an update only touches what was sent. */
export interface RunInput {
  name?: string;
  headSha?: string;
  detailsUrl?: string;
  externalId?: string;
  status?: RunStatus;
  startedAt?: number;
  conclusion?: RunConclusion;
  completedAt?: number;
  output?: {
    title?: string;
    summary: string;
    text?: string;
    annotations: Annotation[];
    /** Replaces the run's images when present. */
    images?: OutputImage[];
  };
  actions?: RunAction[];
}

type Body = Record<string, unknown>;

function annotationErrors(list: Body[]): FieldError[] {
  const errors: FieldError[] = [];
  if (list.length === 0) return errors; // most updates carry none: skip building the per-call helpers
  const bad = (i: number, key: string, message: string) =>
    errors.push({ resource: 'CheckRun', field: `output.annotations[${i}].${key}`, code: 'invalid', message });
  list.forEach((a, i) => {
    const start = a.start_line as number;
    const end = a.end_line as number;
    if (start < 1) bad(i, 'start_line', 'Lines start at 1.');
    if (end < start) bad(i, 'end_line', 'end_line must be greater than or equal to start_line.');
    if ((a.start_column !== undefined || a.end_column !== undefined) && start !== end) {
      bad(i, 'start_column', 'Columns are only supported when start_line and end_line are the same.');
    }
    for (const key of ['start_column', 'end_column'] as const) {
      if (a[key] !== undefined && (a[key] as number) < 1) bad(i, key, 'Columns start at 1.');
    }
    if (typeof a.start_column === 'number' && typeof a.end_column === 'number' && a.end_column < a.start_column) {
      bad(i, 'end_column', 'end_column must be greater than or equal to start_column.');
    }
    if (typeof a.title === 'string' && a.title.length > ANNOTATION_TITLE_MAX) {
      bad(i, 'title', `title is too long (maximum is ${ANNOTATION_TITLE_MAX} characters).`);
    }
    for (const key of ['message', 'raw_details'] as const) {
      const text = a[key];
      if (typeof text === 'string' && Buffer.byteLength(text, 'utf8') > ANNOTATION_TEXT_MAX_BYTES) {
        bad(i, key, `${key} is too long (maximum is 64 KB).`);
      }
    }
  });
  return errors;
}

function toAnnotation(a: Body): Annotation {
  return {
    path: a.path as string,
    start_line: a.start_line as number,
    end_line: a.end_line as number,
    start_column: (a.start_column as number | undefined) ?? null,
    end_column: (a.end_column as number | undefined) ?? null,
    annotation_level: a.annotation_level as Annotation['annotation_level'],
    title: (a.title as string | undefined) ?? null,
    message: a.message as string,
    raw_details: (a.raw_details as string | undefined) ?? null,
  };
}

/** Validates a create (`POST /check-runs`) or update (`PATCH /check-runs/{id}`) body. Throws `ChecksError`. */
export function validateRunBody(body: unknown, create: boolean): RunInput {
  const op: ChecksOperation = create ? 'createRun' : 'updateRun';
  const lines = checkSchema(create ? CREATE_RUN_SCHEMA : UPDATE_RUN_SCHEMA, body ?? {});
  if (lines.length > 0) throw invalidRequest(lines, op);
  const b = (body ?? {}) as Body;

  const errors: FieldError[] = [];
  // The official description's discriminator (lost in the Octokit copy): completed ⇒ conclusion.
  if ((b.status === 'completed' || b.completed_at !== undefined) && b.conclusion === undefined) {
    errors.push({ resource: 'CheckRun', field: 'conclusion', code: 'missing_field' });
  }
  if (b.conclusion === 'stale') {
    errors.push({
      resource: 'CheckRun',
      field: 'conclusion',
      code: 'invalid',
      message: 'You cannot change a check run conclusion to stale, only GitHub can set this.',
    });
  }
  if ((ACTIONS_ONLY_STATUSES as readonly unknown[]).includes(b.status)) {
    errors.push({
      resource: 'CheckRun',
      field: 'status',
      code: 'invalid',
      message: `Only GitHub Actions can set a status of ${String(b.status)}.`,
    });
  }
  const output = b.output as Body | undefined;
  const annotations = (output?.annotations as Body[] | undefined) ?? [];
  errors.push(...annotationErrors(annotations));
  if (errors.length > 0) throw validationFailed(errors, op);

  const input: RunInput = {};
  if (b.name !== undefined) input.name = b.name as string;
  if (b.head_sha !== undefined) input.headSha = b.head_sha as string;
  if (b.details_url !== undefined) input.detailsUrl = b.details_url as string;
  if (b.external_id !== undefined) input.externalId = b.external_id as string;
  if (b.status !== undefined) input.status = b.status as RunStatus;
  if (b.started_at !== undefined) input.startedAt = Date.parse(b.started_at as string);
  if (b.conclusion !== undefined) input.conclusion = b.conclusion as RunConclusion;
  if (b.completed_at !== undefined) input.completedAt = Date.parse(b.completed_at as string);
  if (output !== undefined) {
    input.output = {
      title: output.title as string | undefined,
      summary: output.summary as string,
      text: output.text as string | undefined,
      annotations: annotations.map(toAnnotation),
      images: (output.images as Body[] | undefined)?.map((i) => ({
        alt: i.alt as string,
        image_url: i.image_url as string,
        caption: (i.caption as string | undefined) ?? null,
      })),
    };
  }
  if (b.actions !== undefined) {
    input.actions = (b.actions as Body[]).map((a) => ({
      label: a.label as string,
      description: a.description as string,
      identifier: a.identifier as string,
    }));
  }
  return input;
}

const CREATE_SUITE_SCHEMA: Schema = { type: 'object', required: ['head_sha'], properties: { head_sha: { type: 'string' } } };

export function validateCreateSuiteBody(body: unknown): { headSha: string } {
  const lines = checkSchema(CREATE_SUITE_SCHEMA, body ?? {});
  if (lines.length > 0) throw invalidRequest(lines, 'createSuite');
  return { headSha: (body as Body).head_sha as string };
}

const PREFERENCES_SCHEMA: Schema = {
  type: 'object',
  properties: {
    auto_trigger_checks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['app_id', 'setting'],
        properties: { app_id: { type: 'integer' }, setting: { type: 'boolean' } },
      },
    },
  },
};

export function validatePreferencesBody(body: unknown): { app_id: number; setting: boolean }[] {
  const lines = checkSchema(PREFERENCES_SCHEMA, body ?? {});
  if (lines.length > 0) throw invalidRequest(lines, 'setPreferences');
  const list = ((body as Body | undefined)?.auto_trigger_checks as Body[] | undefined) ?? [];
  return list.map((e) => ({ app_id: e.app_id as number, setting: e.setting as boolean }));
}
