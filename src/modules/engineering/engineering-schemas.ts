import { Type } from "typebox";
import { NullableString } from "../../http/schemas.js";

const Repository = Type.String({ minLength: 3, maxLength: 140, description: "owner/name" });
const Label = Type.String({ minLength: 1, maxLength: 50 });

export const LinkedIssueSchema = Type.Object({
  repository: Type.String(),
  number: Type.Integer(),
  url: Type.String(),
  state: Type.Enum(["open", "closed"]),
  title: Type.String(),
  labels: Type.Array(Type.String()),
  linkedAt: Type.String(),
});

export const TicketEngineeringSchema = Type.Object({
  ticketNumber: Type.Integer(),
  needsEngineering: Type.Boolean(),
  prompt: Type.Union([Type.String(), Type.Null()], {
    description:
      "Asked while the ticket needs engineering and has no issue: the objectives' one-business-day rule",
  }),
  issue: Type.Union([LinkedIssueSchema, Type.Null()]),
  github: Type.Object({
    connected: Type.Boolean(),
    repositories: Type.Array(Type.String()),
    defaultLabels: Type.Array(Type.String()),
  }),
  draft: Type.Object({ title: Type.String(), summary: Type.String() }),
});

export const NeedsEngineeringBody = Type.Object(
  { needsEngineering: Type.Boolean() },
  { additionalProperties: false },
);

export const CreateEngineeringIssueBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 256 }),
    summary: Type.String({ maxLength: 20000 }),
    repository: Type.Optional(Repository),
    labels: Type.Optional(Type.Array(Label, { maxItems: 20 })),
    keepContactDetails: Type.Optional(
      Type.Boolean({ description: "Send email addresses and @mentions in the summary as written" }),
    ),
  },
  { additionalProperties: false },
);

export const LinkEngineeringIssueBody = Type.Object(
  {
    issue: Type.String({
      minLength: 1,
      maxLength: 500,
      description: "The issue's address, owner/name#number, or #number in the default repository",
    }),
  },
  { additionalProperties: false },
);

export const GithubSettingsSchema = Type.Object({
  baseUrl: Type.String(),
  tokenSet: Type.Boolean(),
  defaultRepository: NullableString,
  repositories: Type.Array(Type.String()),
  defaultLabels: Type.Array(Type.String()),
  webhookSecretSet: Type.Boolean(),
  updatedAt: NullableString,
});

const Secret = Type.String({ minLength: 1, maxLength: 500 });

export const GithubSettingsBody = Type.Object(
  {
    baseUrl: Type.String({
      minLength: 1,
      maxLength: 500,
      description: "https://api.github.com, or a GitHub Enterprise Server's https://<host>/api/v3",
    }),
    token: Type.Optional(
      Type.Union([Secret, Type.Null()], { description: "Absent keeps the stored token; null removes it" }),
    ),
    defaultRepository: Type.Union([Repository, Type.Null()]),
    allowedRepositories: Type.Array(Repository, { maxItems: 100 }),
    defaultLabels: Type.Array(Label, { maxItems: 20 }),
    webhookSecret: Type.Optional(
      Type.Union([Secret, Type.Null()], { description: "Absent keeps the stored secret; null removes it" }),
    ),
  },
  { additionalProperties: false },
);

/** The fields of GitHub's `issues` event Tend reads; GitHub sends many more. */
export const GithubWebhookBody = Type.Object(
  {
    action: Type.Optional(Type.String({ maxLength: 100 })),
    issue: Type.Optional(
      Type.Object(
        {
          number: Type.Integer({ minimum: 1 }),
          title: Type.String({ maxLength: 1024 }),
          state: Type.String({ maxLength: 20 }),
          html_url: Type.String({ maxLength: 2000, pattern: "^https?://" }),
          labels: Type.Optional(
            Type.Array(
              Type.Object(
                { name: Type.Optional(Type.String({ maxLength: 100 })) },
                { additionalProperties: true },
              ),
              { maxItems: 100 },
            ),
          ),
        },
        { additionalProperties: true },
      ),
    ),
    repository: Type.Optional(
      Type.Object({ full_name: Type.String({ maxLength: 300 }) }, { additionalProperties: true }),
    ),
  },
  { additionalProperties: true },
);
