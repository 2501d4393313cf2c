import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { problemResponses } from "../../http/schemas.js";
import { TicketNumberParams } from "../tickets/ticket-schemas.js";
import {
  CreateEngineeringIssueBody,
  GithubSettingsBody,
  GithubSettingsSchema,
  LinkEngineeringIssueBody,
  NeedsEngineeringBody,
  TicketEngineeringSchema,
} from "./engineering-schemas.js";
import {
  createEngineeringIssue,
  linkEngineeringIssue,
  readTicketEngineering,
  setNeedsEngineering,
  unlinkEngineeringIssue,
} from "./escalate-to-engineering.js";
import { readGithubSettings, updateGithubSettings } from "./github-settings.js";

/** GitHub's refusals: what the agent can fix (422) and what they cannot (502), each naming GitHub's answer. */
const githubResponses = { 422: Type.Ref("Problem"), 502: Type.Ref("Problem") };

/** Engineering escalation for staff, and the GitHub connection for admins. */
export const engineeringRoutes: FastifyPluginAsyncTypebox<{ publicUrl: string }> = async (
  app,
  { publicUrl },
) => {
  const tags = ["engineering"];

  app.get(
    "/tickets/:number/engineering",
    {
      schema: {
        tags,
        summary:
          "A ticket's engineering escalation: the flag, the prompt, the linked GitHub issue, the draft",
        params: TicketNumberParams,
        response: { 200: TicketEngineeringSchema, ...problemResponses },
      },
    },
    async (request) => readTicketEngineering({ ctx: request.ctx, number: request.params.number }),
  );

  app.put(
    "/tickets/:number/engineering",
    {
      schema: {
        tags,
        summary: "Marks whether a ticket needs engineering; the answer carries the prompt to open an issue",
        params: TicketNumberParams,
        body: NeedsEngineeringBody,
        response: { 200: TicketEngineeringSchema, ...problemResponses },
      },
    },
    async (request) =>
      setNeedsEngineering({
        ctx: request.ctx,
        number: request.params.number,
        needsEngineering: request.body.needsEngineering,
      }),
  );

  app.post(
    "/tickets/:number/engineering-issue",
    {
      schema: {
        tags,
        summary: "Opens a GitHub issue from the ticket and links it",
        description:
          "The body is the summary (email addresses and @mentions removed unless keepContactDetails) and a link " +
          "back to the ticket; the repository must be one an admin allowed. 409 when GitHub is not connected or " +
          "an issue is already linked; 422 when GitHub refuses the input; 502 when GitHub fails or refuses the token.",
        params: TicketNumberParams,
        body: CreateEngineeringIssueBody,
        response: { 200: TicketEngineeringSchema, ...problemResponses, ...githubResponses },
      },
    },
    async (request) =>
      createEngineeringIssue({
        ctx: request.ctx,
        number: request.params.number,
        input: request.body,
        publicUrl,
      }),
  );

  app.post(
    "/tickets/:number/engineering-issue/link",
    {
      schema: {
        tags,
        summary: "Links an existing GitHub issue to the ticket",
        params: TicketNumberParams,
        body: LinkEngineeringIssueBody,
        response: { 200: TicketEngineeringSchema, ...problemResponses, ...githubResponses },
      },
    },
    async (request) =>
      linkEngineeringIssue({ ctx: request.ctx, number: request.params.number, issue: request.body.issue }),
  );

  app.delete(
    "/tickets/:number/engineering-issue",
    {
      schema: {
        tags,
        summary: "Unlinks the ticket's GitHub issue (the issue itself is left alone)",
        params: TicketNumberParams,
        response: { 200: TicketEngineeringSchema, ...problemResponses },
      },
    },
    async (request) => unlinkEngineeringIssue({ ctx: request.ctx, number: request.params.number }),
  );

  app.get(
    "/integrations/github/settings",
    {
      schema: {
        tags,
        summary: "The GitHub connection (admins); the token and webhook secret are never returned",
        response: { 200: GithubSettingsSchema, ...problemResponses },
      },
    },
    async (request) => readGithubSettings({ ctx: request.ctx }),
  );

  app.put(
    "/integrations/github/settings",
    {
      schema: {
        tags,
        summary: "Sets the GitHub connection (admins, audited)",
        body: GithubSettingsBody,
        response: { 200: GithubSettingsSchema, ...problemResponses },
      },
    },
    async (request) => updateGithubSettings({ ctx: request.ctx, input: request.body }),
  );
};
