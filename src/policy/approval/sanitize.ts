/**
 * The engine's inputs come from the shell, but the shell builds them from hostile payloads and files: a
 * `null` list element or a missing author must be an ordinary outcome, never a TypeError. Lists are copied
 * only when they actually hold something that is not an object, so the hot path allocates nothing.
 */
import type { EvaluateInput } from './evaluate.js';

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null;

function objectsOnly<T>(list: readonly T[] | undefined): readonly T[] | undefined {
  if (list === undefined || !Array.isArray(list)) return list === undefined ? undefined : [];
  return list.every(isObject) ? list : list.filter(isObject);
}

export function sanitizeInput(input: EvaluateInput): EvaluateInput {
  const { pr, lists } = input;
  const authorOk = typeof pr.author === 'string' && typeof pr.title === 'string';
  const feedback = objectsOnly(input.feedback);
  const commits = objectsOnly(input.commits);
  const approval = lists ? objectsOnly(lists.approval) : undefined;
  const disapproval = lists ? objectsOnly(lists.disapproval) : undefined;
  const listsOk = !lists || (approval === lists.approval && disapproval === lists.disapproval);
  if (authorOk && feedback === input.feedback && commits === input.commits && listsOk) return input;
  return {
    ...input,
    pr: authorOk ? pr : { ...pr, author: typeof pr.author === 'string' ? pr.author : '', title: typeof pr.title === 'string' ? pr.title : '' },
    feedback,
    commits,
    ...(lists ? { lists: { approval: approval ?? [], ...(disapproval !== undefined ? { disapproval } : {}) } } : {}),
  };
}
