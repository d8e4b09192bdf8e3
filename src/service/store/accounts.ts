/**
 * Users, enabled repositories and organisations (spec §16.1) with their secrets encrypted at rest. The
 * associated data of each ciphertext names its row (`user:<login>`, `repo:<slug>`, `org:<owner>`), so a
 * secret copied into another row does not decrypt. Slugs and logins are matched case-insensitively.
 */
import type { ExpressionBuilder } from 'kysely';
import { writeTransaction, type ServiceDb } from '../db/connect.js';
import type { Database } from '../db/schema.js';
import type { SecretBox } from '../secrets.js';

export interface UserInput {
  login: string;
  token: string;
  avatar?: string;
  /** Per-user secret (the original signed its session tokens with it). */
  secret: string;
  scopes?: string;
}

export interface RepoInput {
  userId: number;
  owner: string;
  name: string;
  link?: string;
  private?: boolean;
  /** The repository hook's secret (token mode). */
  hookSecret: string;
  org?: boolean;
}

export interface OrgInput {
  userId: number;
  owner: string;
  link?: string;
  private?: boolean;
  hookSecret: string;
}

/** The `repos` row of `owner/name`, matched case-insensitively as GitHub matches names. */
function slugIs(slug: string) {
  return (eb: ExpressionBuilder<Database, 'repos'>) => eb(eb.fn('lower', ['repo_slug']), '=', slug.toLowerCase());
}

export class AccountStore {
  constructor(
    private readonly sdb: ServiceDb,
    private readonly box: SecretBox,
  ) {}

  async upsertUser(u: UserInput): Promise<number> {
    const values = {
      user_login: u.login,
      user_token: this.box.encrypt(u.token, `user:${u.login.toLowerCase()}`),
      user_avatar: u.avatar ?? '',
      user_secret: this.box.encrypt(u.secret, `user-secret:${u.login.toLowerCase()}`),
      user_scopes: u.scopes ?? '',
    };
    return writeTransaction(this.sdb, async (trx) => {
      await trx
        .insertInto('users')
        .values(values)
        .onConflict((oc) => oc.column('user_login').doUpdateSet({ user_token: values.user_token, user_avatar: values.user_avatar, user_secret: values.user_secret, user_scopes: values.user_scopes }))
        .execute();
      const row = await trx.selectFrom('users').select('user_id').where('user_login', '=', u.login).executeTakeFirstOrThrow();
      return row.user_id;
    });
  }

  async userToken(userId: number): Promise<{ login: string; token: string } | undefined> {
    const row = await this.sdb.db.selectFrom('users').select(['user_login', 'user_token']).where('user_id', '=', userId).executeTakeFirst();
    if (!row) return undefined;
    return { login: row.user_login, token: this.box.decrypt(row.user_token, `user:${row.user_login.toLowerCase()}`) };
  }

  /** The `repos` row of `r`, its secret encrypted for that row. */
  private repoRow(r: RepoInput) {
    const slug = `${r.owner}/${r.name}`;
    return {
      repo_user_id: r.userId,
      repo_owner: r.owner,
      repo_name: r.name,
      repo_slug: slug,
      repo_link: r.link ?? '',
      repo_private: r.private ? 1 : 0,
      repo_secret: this.box.encrypt(r.hookSecret, `repo:${slug.toLowerCase()}`),
      repo_org: r.org ? 1 : 0,
    };
  }

  async upsertRepo(r: RepoInput): Promise<void> {
    const values = this.repoRow(r);
    await writeTransaction(this.sdb, (trx) =>
      trx
        .insertInto('repos')
        .values(values)
        .onConflict((oc) => oc.column('repo_slug').doUpdateSet({ repo_user_id: values.repo_user_id, repo_link: values.repo_link, repo_private: values.repo_private, repo_secret: values.repo_secret, repo_org: values.repo_org }))
        .execute(),
    );
  }

  async upsertOrg(o: OrgInput): Promise<void> {
    const values = {
      org_user_id: o.userId,
      org_owner: o.owner,
      org_link: o.link ?? '',
      org_private: o.private ? 1 : 0,
      org_secret: this.box.encrypt(o.hookSecret, `org:${o.owner.toLowerCase()}`),
    };
    await writeTransaction(this.sdb, (trx) =>
      trx
        .insertInto('orgs')
        .values(values)
        .onConflict((oc) => oc.column('org_owner').doUpdateSet({ org_user_id: values.org_user_id, org_link: values.org_link, org_private: values.org_private, org_secret: values.org_secret }))
        .execute(),
    );
  }

  /**
   * Enables a repository unless it already is (matched case-insensitively): true when this call wrote the
   * row. Two processes enrolling the same repository at once: exactly one gets true and goes on.
   */
  async insertRepoIfAbsent(r: RepoInput): Promise<boolean> {
    const slug = `${r.owner}/${r.name}`;
    return writeTransaction(this.sdb, async (trx) => {
      const existing = await trx
        .selectFrom('repos')
        .select('repo_id')
        .where(slugIs(slug))
        .executeTakeFirst();
      if (existing) return false;
      const res = await trx
        .insertInto('repos')
        .values(this.repoRow(r))
        .onConflict((oc) => oc.column('repo_slug').doNothing())
        .executeTakeFirst();
      return Number(res.numInsertedOrUpdatedRows ?? 0) > 0;
    });
  }

  /** Removes the repository only while it still holds `secret` (an enrolment undoing its own row, not another's). */
  async deleteRepoIfSecret(slug: string, secret: string): Promise<boolean> {
    return writeTransaction(this.sdb, async (trx) => {
      const row = await trx
        .selectFrom('repos')
        .select(['repo_id', 'repo_slug', 'repo_secret'])
        .where(slugIs(slug))
        .executeTakeFirst();
      if (!row || this.box.decrypt(row.repo_secret, `repo:${row.repo_slug.toLowerCase()}`) !== secret) return false;
      await trx.deleteFrom('repos').where('repo_id', '=', row.repo_id).execute();
      return true;
    });
  }

  /** Removes an enabled repository (matched case-insensitively); false when it was not enabled. */
  async deleteRepo(slug: string): Promise<boolean> {
    const res = await writeTransaction(this.sdb, (trx) =>
      trx
        .deleteFrom('repos')
        .where(slugIs(slug))
        .executeTakeFirst(),
    );
    return Number(res.numDeletedRows) > 0;
  }

  /** The enabled repository (and its enabling user id), looked up by `owner/name`. */
  async findRepo(slug: string): Promise<{ id: number; slug: string; userId: number; hookSecret: string } | undefined> {
    const row = await this.sdb.db
      .selectFrom('repos')
      .select(['repo_id', 'repo_slug', 'repo_user_id', 'repo_secret'])
      .where(slugIs(slug))
      .executeTakeFirst();
    if (!row) return undefined;
    return { id: row.repo_id, slug: row.repo_slug, userId: row.repo_user_id, hookSecret: this.box.decrypt(row.repo_secret, `repo:${row.repo_slug.toLowerCase()}`) };
  }

  async findOrg(owner: string): Promise<{ id: number; owner: string; userId: number; hookSecret: string } | undefined> {
    const row = await this.sdb.db
      .selectFrom('orgs')
      .select(['org_id', 'org_owner', 'org_user_id', 'org_secret'])
      .where((eb) => eb(eb.fn('lower', ['org_owner']), '=', owner.toLowerCase()))
      .executeTakeFirst();
    if (!row) return undefined;
    return { id: row.org_id, owner: row.org_owner, userId: row.org_user_id, hookSecret: this.box.decrypt(row.org_secret, `org:${row.org_owner.toLowerCase()}`) };
  }

  /** Token mode: a delivery may be signed with its repository's hook secret or its organisation's. */
  async hookSecretsFor(repo: string | null, owner: string | null): Promise<string[]> {
    const out: string[] = [];
    if (repo) {
      const r = await this.findRepo(repo);
      if (r) out.push(r.hookSecret);
    }
    if (owner) {
      const o = await this.findOrg(owner);
      if (o) out.push(o.hookSecret);
    }
    return out;
  }
}
