/**
 * Inputs of the policy benchmark, generated deterministically (seeded PRNG) so runs are comparable:
 *   (a) the default policy, 10 maintainers, 50 feedback items;
 *   (b) 2,000 maintainers in 50 orgs, 500 feedback items, a 20-term expression.
 */
import {
  buildSnapshot, parseConfig, parseMaintainers, parseMembersFile, type CommitInfo, type EvaluateInput, type FeedbackItem,
} from '../../src/policy/index.js';

export interface Scenario {
  name: string;
  input: EvaluateInput;
}

/** Mulberry32: small, fast, good enough to make varied but repeatable inputs. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REPO = { owner: 'bench', name: 'repo', isOrg: true, enablingUser: 'bench' };
const T0 = Date.parse('2024-05-01T00:00:00Z');
const PUSHED = T0 + 60_000;

const COMMENTS = ['I approve', 'I approve version: 1.2.3', 'Looks reasonable, one question below', 'nit: naming', 'I approve comment: ship it', 'needs tests?'];
const REVIEW_STATES = ['APPROVED', 'COMMENTED', 'CHANGES_REQUESTED', 'APPROVED'];

/** `count` comments and reviews by `logins`, all after the push (so every item is considered). */
function feedback(count: number, logins: readonly string[], rand: () => number): FeedbackItem[] {
  const out: FeedbackItem[] = [];
  for (let i = 0; i < count; i++) {
    const author = logins[Math.floor(rand() * logins.length)];
    const at = PUSHED + 1000 * (i + 1);
    if (rand() < 0.7) {
      out.push({ type: 'comment', author, body: COMMENTS[Math.floor(rand() * COMMENTS.length)], at, updatedAt: at, id: i });
    } else {
      out.push({ type: 'review', author, state: REVIEW_STATES[Math.floor(rand() * REVIEW_STATES.length)], at, id: i });
    }
  }
  return out;
}

const COMMITS: CommitInfo[] = [
  { sha: 'c1', author: 'author0', committer: 'Author Zero', parents: 1, parentShas: ['base'], committedAt: T0 },
  { sha: 'c2', author: 'author0', committer: 'Author Zero', parents: 1, parentShas: ['c1'], committedAt: T0 + 30_000 },
];

function scenarioA(): Scenario {
  const rand = prng(1);
  const logins = Array.from({ length: 10 }, (_, i) => `user${i}`);
  const raw = parseMaintainers(logins.join('\n'), 'text', { repo: REPO });
  const snapshot = buildSnapshot(raw, REPO, parseMembersFile('{}'));
  const config = parseConfig('{ approvals: [ {} ] }').config;
  return {
    name: '(a) default policy, 50 feedback items',
    input: {
      config,
      snapshot,
      pr: { author: 'author0', title: 'Add a feature', baseBranch: 'main', compareBranch: 'feature', compareOwner: 'bench' },
      files: ['src/a.ts', 'src/b.ts'],
      feedback: feedback(50, [...logins, 'outsider'], rand),
      commits: COMMITS,
      headPushedAt: PUSHED,
    },
  };
}

function scenarioB(): Scenario {
  const rand = prng(2);
  const ORGS = 50;
  const PEOPLE = 2000;
  const logins = Array.from({ length: PEOPLE }, (_, i) => `person${i}`);
  // TOML MAINTAINERS: people table plus 50 orgs of 40 people each (everyone in one org, some in two).
  const lines: string[] = [];
  for (const l of logins) lines.push(`[people.${l}]`, `name = "Person ${l}"`, `email = "${l}@example.com"`);
  for (let o = 0; o < ORGS; o++) {
    const members = logins.filter((_, i) => i % ORGS === o || (i * 7) % ORGS === o);
    lines.push(`[org.org${o}]`, `people = [${members.map((m) => `"${m}"`).join(', ')}]`);
  }
  const raw = parseMaintainers(lines.join('\n'), 'toml', { repo: REPO });
  const snapshot = buildSnapshot(raw, REPO, parseMembersFile('{}'));
  // 20 terms: five alternatives of four conjuncts each.
  const groups = Array.from({ length: 5 }, (_, g) =>
    `(${Array.from({ length: 4 }, (_, t) => `org${g * 4 + t}[count=${1 + ((g + t) % 3)},self=false]`).join(' and ')})`,
  );
  const match = groups.join(' or ');
  const config = parseConfig(`{ approvals: [ { match: "${match}" } ], maintainers: { type: "toml" } }`).config;
  return {
    name: '(b) 2,000 maintainers / 50 orgs, 500 feedback items, 20-term expression',
    input: {
      config,
      snapshot,
      pr: { author: 'person1', title: 'Large change', baseBranch: 'main', compareBranch: 'big', compareOwner: 'bench' },
      files: Array.from({ length: 40 }, (_, i) => `src/module${i}/index.ts`),
      feedback: feedback(500, logins, rand),
      commits: COMMITS,
      headPushedAt: PUSHED,
    },
  };
}

export function scenarios(): Scenario[] {
  return [scenarioA(), scenarioB()];
}
