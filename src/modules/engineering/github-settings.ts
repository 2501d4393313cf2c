import type { DbExecutor } from "../../db/database.js";
import { ConflictError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { isSealed } from "../../shared/secret-box.js";
import { recordAudit } from "../audit/record-audit.js";
import { requireAdmin } from "../identity/identity-policy.js";
import {
  findGithubSettingsRow,
  type GithubSettingsRow,
  saveGithubSettingsRow,
} from "./engineering-repository.js";
import type { GithubConnection } from "./github-client.js";
import {
  labelProblems,
  normalizedLabels,
  parseRepository,
  type RepositoryName,
} from "./github-references.js";

/**
 * The GitHub connection is configured by admins through the API (audited), not the environment:
 * repositories and labels change with the engineering team, and the token is rotated by whoever
 * holds the GitHub side. Token and webhook secret are sealed with the secret box when
 * TEND_SECRET_KEY is set, bound to their column, and never returned: only whether they are set.
 */

export const githubDotComApi = "https://api.github.com";

export interface GithubSettings {
  baseUrl: string;
  tokenSet: boolean;
  defaultRepository: string | null;
  /** Where agents may file: the default repository first, then the others allowed. */
  repositories: string[];
  defaultLabels: string[];
  webhookSecretSet: boolean;
  updatedAt: string | null;
}

export interface GithubSettingsInput {
  baseUrl: string;
  /** Absent keeps the stored token; null removes it. */
  token?: string | null;
  defaultRepository: string | null;
  allowedRepositories: string[];
  defaultLabels: string[];
  /** Absent keeps the stored secret; null removes it (and with it, the webhook). */
  webhookSecret?: string | null;
}

const tokenBinding = "github_settings.token";
const webhookSecretBinding = "github_settings.webhook_secret";

function presentSettings(row: GithubSettingsRow | undefined): GithubSettings {
  if (!row)
    return {
      baseUrl: githubDotComApi,
      tokenSet: false,
      defaultRepository: null,
      repositories: [],
      defaultLabels: [],
      webhookSecretSet: false,
      updatedAt: null,
    };
  return {
    baseUrl: row.base_url,
    tokenSet: row.token !== null,
    defaultRepository: row.default_repository,
    repositories: repositoriesOf(row),
    defaultLabels: JSON.parse(row.default_labels) as string[],
    webhookSecretSet: row.webhook_secret !== null,
    updatedAt: row.updated_at,
  };
}

function repositoriesOf(row: GithubSettingsRow): string[] {
  const allowed = JSON.parse(row.allowed_repositories) as string[];
  return row.default_repository ? [...new Set([row.default_repository, ...allowed])] : allowed;
}

export async function readGithubSettings({ ctx }: { ctx: Context }): Promise<GithubSettings> {
  requireAdmin(ctx.actor);
  return presentSettings(await findGithubSettingsRow(ctx.db));
}

/** An API root: http(s), no query or fragment, kept without its trailing slash (Octokit appends paths). */
function checkedBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw ValidationError.field("baseUrl", "not a web address");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw ValidationError.field(
      "baseUrl",
      "GitHub's API is reached over https (or http on a private network)",
    );
  if (url.search || url.hash || url.username || url.password)
    throw ValidationError.field("baseUrl", "give the API root alone, such as https://ghe.example/api/v3");
  return url.href.replace(/\/+$/, "");
}

function checkedRepository(value: string, field: string): string {
  const repository = parseRepository(value);
  if (!repository) throw ValidationError.field(field, `"${value}" is not owner/name`);
  return `${repository.owner}/${repository.name}`;
}

export function checkedLabels(labels: string[], field: string): string[] {
  const problems = labelProblems(labels);
  if (problems.length > 0)
    throw new ValidationError(
      problems.map(({ index, problem }) => ({ field: `${field}/${index}`, message: problem })),
    );
  return normalizedLabels(labels);
}

function checkedSecret(value: string, field: string): string {
  if (value.trim() !== value || value.length === 0)
    throw ValidationError.field(field, "no leading or trailing spaces, and not empty (null removes it)");
  return value;
}

export async function updateGithubSettings({
  ctx,
  input,
}: {
  ctx: Context;
  input: GithubSettingsInput;
}): Promise<GithubSettings> {
  requireAdmin(ctx.actor);
  const baseUrl = checkedBaseUrl(input.baseUrl);
  const defaultRepository =
    input.defaultRepository === null ? null : checkedRepository(input.defaultRepository, "defaultRepository");
  const allowedRepositories = [
    ...new Set(
      input.allowedRepositories.map((value, index) =>
        checkedRepository(value, `allowedRepositories/${index}`),
      ),
    ),
  ];
  const defaultLabels = checkedLabels(input.defaultLabels, "defaultLabels");
  const token =
    input.token === undefined || input.token === null ? input.token : checkedSecret(input.token, "token");
  const webhookSecret =
    input.webhookSecret === undefined || input.webhookSecret === null
      ? input.webhookSecret
      : checkedSecret(input.webhookSecret, "webhookSecret");

  return inTransaction(ctx, async (tx) => {
    const stored = await findGithubSettingsRow(tx.db);
    const seal = (plain: string, binding: string) =>
      tx.secretBox ? tx.secretBox.seal(plain, binding) : plain;
    const row: Omit<GithubSettingsRow, "id"> = {
      base_url: baseUrl,
      token:
        token === undefined ? (stored?.token ?? null) : token === null ? null : seal(token, tokenBinding),
      default_repository: defaultRepository,
      allowed_repositories: JSON.stringify(allowedRepositories),
      default_labels: JSON.stringify(defaultLabels),
      webhook_secret:
        webhookSecret === undefined
          ? (stored?.webhook_secret ?? null)
          : webhookSecret === null
            ? null
            : seal(webhookSecret, webhookSecretBinding),
      updated_by: tx.actor.kind === "person" ? tx.actor.personId : null,
      updated_at: tx.clock.now().toISOString(),
    };
    await saveGithubSettingsRow(tx.db, row);
    const before = presentSettings(stored);
    const after = presentSettings({ id: "desk", ...row });
    await recordAudit(tx, {
      action: "github.settings_updated",
      targetType: "github_settings",
      targetId: null,
      // Whether a secret is set, and that it changed, is audited; its value never is.
      before: { ...before, updatedAt: undefined },
      after: {
        ...after,
        updatedAt: undefined,
        ...(token ? { tokenReplaced: true } : {}),
        ...(webhookSecret ? { webhookSecretReplaced: true } : {}),
      },
    });
    return after;
  });
}

function openSecret(ctx: Context, stored: string, binding: string, what: string): string {
  if (!isSealed(stored)) return stored;
  if (!ctx.secretBox) throw new Error(`the GitHub ${what} is sealed: set TEND_SECRET_KEY to read it`);
  return ctx.secretBox.open(stored, binding);
}

/** What escalating needs: the API root, the token in the clear, where agents may file, the labels. */
export interface GithubEscalationSettings {
  connection: GithubConnection;
  defaultRepository: RepositoryName | null;
  repositories: string[];
  defaultLabels: string[];
}

export async function githubEscalationSettings(ctx: Context): Promise<GithubEscalationSettings> {
  const row = await findGithubSettingsRow(ctx.db);
  if (!row?.token)
    throw new ConflictError("GitHub is not connected: an admin sets a token under GitHub settings first.");
  return {
    connection: { baseUrl: row.base_url, token: openSecret(ctx, row.token, tokenBinding, "token") },
    defaultRepository: row.default_repository ? parseRepository(row.default_repository) : null,
    repositories: repositoriesOf(row),
    defaultLabels: JSON.parse(row.default_labels) as string[],
  };
}

/** The webhook secret in the clear, or null when none is set (the webhook is then refused). */
export async function githubWebhookSecret(ctx: Context): Promise<string | null> {
  const row = await findGithubSettingsRow(ctx.db);
  return row?.webhook_secret
    ? openSecret(ctx, row.webhook_secret, webhookSecretBinding, "webhook secret")
    : null;
}

/** For the ticket panel: whether agents can file, and where. Not a secret. */
export async function githubAvailability(
  db: DbExecutor,
): Promise<{ connected: boolean; repositories: string[]; defaultLabels: string[] }> {
  const row = await findGithubSettingsRow(db);
  return {
    connected: Boolean(row?.token),
    repositories: row ? repositoriesOf(row) : [],
    defaultLabels: row ? (JSON.parse(row.default_labels) as string[]) : [],
  };
}
