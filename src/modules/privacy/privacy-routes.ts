import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, problemResponses } from "../../http/schemas.js";
import { erasePerson } from "./erase-person.js";
import {
  DeskRetentionPolicyBody,
  ErasureBody,
  ErasureReportSchema,
  RetentionPoliciesSchema,
  RetentionPolicyBody,
} from "./privacy-schemas.js";
import { getRetentionPolicies, removeRetentionPolicy, setRetentionPolicy } from "./retention.js";

/** The right to erasure and retention policies: admins only. */
export const privacyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    "/people/:id/erasure",
    {
      schema: {
        tags: ["privacy"],
        summary: "Erase a person's data at their request, or list what would go (admins)",
        params: IdParams,
        body: ErasureBody,
        response: { 200: ErasureReportSchema, ...problemResponses },
      },
    },
    async (request) =>
      erasePerson({ ctx: request.ctx, input: { personId: request.params.id, dryRun: request.body.dryRun } }),
  );

  app.get(
    "/retention-policies",
    {
      schema: {
        tags: ["privacy"],
        summary: "How long closed tickets are kept: the desk's default and each organization's (admins)",
        response: { 200: RetentionPoliciesSchema, ...problemResponses },
      },
    },
    async (request) => getRetentionPolicies(request.ctx),
  );

  app.put(
    "/retention-policies/desk",
    {
      schema: {
        tags: ["privacy"],
        summary: "Set the desk's default retention policy and how long raw inbound mail is kept (admins)",
        body: DeskRetentionPolicyBody,
        response: { 200: RetentionPoliciesSchema, ...problemResponses },
      },
    },
    async (request) => setRetentionPolicy({ ctx: request.ctx, organizationId: null, input: request.body }),
  );

  app.put(
    "/organizations/:id/retention-policy",
    {
      schema: {
        tags: ["privacy"],
        summary: "Set an organization's own retention policy (admins)",
        params: IdParams,
        body: RetentionPolicyBody,
        response: { 200: RetentionPoliciesSchema, ...problemResponses },
      },
    },
    async (request) =>
      setRetentionPolicy({ ctx: request.ctx, organizationId: request.params.id, input: request.body }),
  );

  app.delete(
    "/organizations/:id/retention-policy",
    {
      schema: {
        tags: ["privacy"],
        summary: "Let an organization's tickets fall back to the desk's default (admins)",
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await removeRetentionPolicy({ ctx: request.ctx, organizationId: request.params.id });
      return reply.status(204).send(null);
    },
  );
};
