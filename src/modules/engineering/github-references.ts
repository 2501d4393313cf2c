/**
 * How Tend names GitHub repositories and issues. Pure. GitHub's owner names are letters, digits and
 * single hyphens (39 at most); repository names letters, digits, `.`, `_` and `-` (100 at most). Both
 * are case-insensitive on GitHub, so a link is found by its lower-case key.
 */

export interface RepositoryName {
  owner: string;
  name: string;
}

export interface IssueReference extends RepositoryName {
  number: number;
}

const repositoryPattern = /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/;

export function parseRepository(value: string): RepositoryName | null {
  const match = repositoryPattern.exec(value.trim());
  if (!match?.[1] || !match[2] || match[2] === "." || match[2] === "..") return null;
  return { owner: match[1], name: match[2] };
}

export const repositoryText = (repository: RepositoryName) => `${repository.owner}/${repository.name}`;

/** `owner/name#12`, lower-cased: what a webhook's repository and number are matched on. */
export const issueKey = (issue: IssueReference) => `${repositoryText(issue)}#${issue.number}`.toLowerCase();

const maxIssueNumber = 2 ** 31 - 1;

function issueNumber(text: string | undefined): number | null {
  if (!text || !/^\d{1,10}$/.test(text)) return null;
  const number = Number(text);
  return number >= 1 && number <= maxIssueNumber ? number : null;
}

/**
 * What an agent pastes to link an existing issue: its web address (github.com or an Enterprise
 * Server's host: `/owner/name/issues/12`), `owner/name#12`, or `#12` / `12` in the default repository.
 */
export function parseIssueReference(
  text: string,
  defaultRepository: RepositoryName | null,
): IssueReference | { problem: string } {
  const value = text.trim();
  if (/^https?:\/\//i.test(value)) {
    let path: string;
    try {
      path = new URL(value).pathname;
    } catch {
      return { problem: "not a web address" };
    }
    const [, owner, name, kind, number] = path.split("/");
    const repository = parseRepository(`${owner ?? ""}/${name ?? ""}`);
    const parsed = issueNumber(number);
    if (!repository || kind !== "issues" || parsed === null)
      return { problem: "an issue's address reads https://<host>/<owner>/<name>/issues/<number>" };
    return { ...repository, number: parsed };
  }
  const qualified = /^(.+)#(\d+)$/.exec(value);
  if (qualified?.[1]) {
    const repository = parseRepository(qualified[1]);
    const parsed = issueNumber(qualified[2]);
    if (!repository || parsed === null) return { problem: "write owner/name#number" };
    return { ...repository, number: parsed };
  }
  const bare = issueNumber(value.replace(/^#/, ""));
  if (bare === null) return { problem: "give the issue's address, owner/name#number or its number" };
  if (!defaultRepository) return { problem: "no default repository is configured: write owner/name#number" };
  return { ...defaultRepository, number: bare };
}

/** GitHub's label names: free text up to 50 characters. Kept in order, duplicates once. */
export function labelProblems(labels: string[]): { index: number; problem: string }[] {
  return labels.flatMap((label, index) => {
    const trimmed = label.trim();
    if (trimmed === "" || trimmed.length > 50) return [{ index, problem: "a label has 1 to 50 characters" }];
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused.
    if (/[\u0000-\u001f\u007f]/.test(trimmed))
      return [{ index, problem: "a label has no control characters" }];
    return [];
  });
}

export const normalizedLabels = (labels: string[]) => [...new Set(labels.map((label) => label.trim()))];
