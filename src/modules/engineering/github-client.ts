import type { Octokit } from "@octokit/rest";
import { BadGatewayError, UnprocessableContentError } from "../../errors.js";
import type { Logger } from "../../shared/logger.js";
import { onFirstUse } from "../../shared/on-first-use.js";
import {
  type IssueReference,
  parseRepository,
  type RepositoryName,
  repositoryText,
} from "./github-references.js";

/** Where Tend reaches GitHub and as whom: github.com's API or an Enterprise Server's `/api/v3`. */
export interface GithubConnection {
  baseUrl: string;
  token: string;
}

export interface GithubIssue extends IssueReference {
  url: string;
  state: "open" | "closed";
  title: string;
  labels: string[];
}

/** GitHub answers in seconds; an agent waiting on a hung server should hear so, not wait forever. */
const githubTimeoutMs = 15_000;

// Loaded when an agent first escalates or a linked issue is read: most desks never reach GitHub, and
// the client with its endpoint tables is 1.3 MB of heap in every process that does not.
const octokit = onFirstUse(() => import("@octokit/rest"));

async function clientFor(connection: GithubConnection, logger: Logger): Promise<Octokit> {
  const { Octokit } = await octokit();
  return new Octokit({
    auth: connection.token,
    baseUrl: connection.baseUrl,
    userAgent: "Tend help desk",
    request: { fetch: globalThis.fetch, signal: AbortSignal.timeout(githubTimeoutMs) },
    log: {
      debug: () => {},
      info: () => {},
      warn: (message: string) => logger.warn({ github: message }, "GitHub client warning"),
      error: (message: string) => logger.error({ github: message }, "GitHub client error"),
    },
  });
}

/** The issue fields GitHub documents for `GET/POST /repos/{owner}/{repo}/issues` that Tend keeps. */
interface IssueResponse {
  number: number;
  html_url: string;
  state: string;
  title: string;
  labels: Array<string | { name?: string | null }>;
  pull_request?: unknown;
}

export function issueFromGithub(repository: RepositoryName, data: IssueResponse): GithubIssue {
  // An issue moved to another repository answers from there: its address names where it lives now.
  const [, owner, name] = new URL(data.html_url).pathname.split("/");
  const movedTo = parseRepository(`${owner ?? ""}/${name ?? ""}`) ?? repository;
  return {
    ...movedTo,
    number: data.number,
    url: data.html_url,
    state: data.state === "closed" ? "closed" : "open",
    title: data.title,
    labels: data.labels
      .map((label) => (typeof label === "string" ? label : (label.name ?? "")))
      .filter((label) => label !== ""),
  };
}

interface GithubFailure {
  status?: number;
  message: string;
  response?: {
    data?: { message?: string; errors?: Array<{ field?: string; code?: string; message?: string }> };
  };
}

/** What GitHub said, in its own words (`Validation Failed: labels invalid`), or why it said nothing. */
function githubSaid(error: GithubFailure): string {
  const data = error.response?.data;
  const details = (data?.errors ?? [])
    .map((item) => item.message ?? [item.field, item.code].filter(Boolean).join(" "))
    .filter(Boolean);
  const message = data?.message ?? error.message;
  return details.length > 0 ? `${message}: ${details.join("; ")}` : message;
}

/**
 * GitHub's refusals as Tend's errors: what the agent can fix (an issue or repository that is not
 * there, input GitHub rejects) is a 422 naming the field; what an admin must fix (the token) or
 * nobody can (GitHub down, timed out) is a 502. Either way the message carries GitHub's answer.
 */
function githubError(error: unknown, what: string, field: string): Error {
  const failure = error as GithubFailure;
  const status = typeof failure?.status === "number" ? failure.status : undefined;
  const said = error instanceof Error ? githubSaid(failure) : String(error);
  if (status === 404)
    return UnprocessableContentError.field(
      field,
      `GitHub answered 404 (${said}) to ${what}: it does not exist, or the token may not see it`,
    );
  if (status === 410 || status === 422)
    return UnprocessableContentError.field(field, `GitHub refused ${what} (${status}: ${said})`);
  if (status === 401)
    return new BadGatewayError(
      `GitHub refused the configured token (401: ${said}); an admin should replace it under GitHub settings.`,
    );
  if (status === 403)
    return new BadGatewayError(
      `GitHub refused ${what} (403: ${said}): the token lacks the Issues permission on that repository, or a rate limit was hit.`,
    );
  if (status !== undefined) return new BadGatewayError(`GitHub failed ${what} (${status}: ${said}).`);
  return new BadGatewayError(`GitHub could not be reached for ${what}: ${said}.`);
}

export async function createGithubIssue(
  connection: GithubConnection,
  logger: Logger,
  input: RepositoryName & { title: string; body: string; labels: string[] },
): Promise<GithubIssue> {
  try {
    const client = await clientFor(connection, logger);
    const { data } = await client.rest.issues.create({
      owner: input.owner,
      repo: input.name,
      title: input.title,
      body: input.body,
      labels: input.labels,
    });
    return issueFromGithub(input, data);
  } catch (error) {
    throw githubError(error, `creating an issue in ${repositoryText(input)}`, "repository");
  }
}

export async function readGithubIssue(
  connection: GithubConnection,
  logger: Logger,
  reference: IssueReference,
): Promise<GithubIssue> {
  let data: IssueResponse;
  try {
    const client = await clientFor(connection, logger);
    ({ data } = await client.rest.issues.get({
      owner: reference.owner,
      repo: reference.name,
      issue_number: reference.number,
    }));
  } catch (error) {
    throw githubError(error, `reading ${repositoryText(reference)}#${reference.number}`, "issue");
  }
  // GitHub serves pull requests under /issues too; a ticket waits on an issue.
  if (data.pull_request)
    throw UnprocessableContentError.field(
      "issue",
      `${repositoryText(reference)}#${reference.number} is a pull request, not an issue`,
    );
  return issueFromGithub(reference, data);
}
