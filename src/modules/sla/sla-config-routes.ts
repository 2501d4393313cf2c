import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, problemResponses } from "../../http/schemas.js";
import {
  createCustomerException,
  deleteCustomerException,
  listCustomerExceptions,
} from "./customer-exceptions.js";
import {
  createCalendar,
  deleteCalendar,
  getCalendar,
  listCalendars,
  updateCalendar,
} from "./manage-calendars.js";
import {
  createPolicy,
  deletePolicy,
  getPolicy,
  listPolicies,
  reorderPolicies,
  updatePolicy,
} from "./manage-policies.js";
import { previewDueTimes } from "./resolve-targets.js";
import {
  CalendarCreateBody,
  CalendarSchema,
  CalendarUpdateBody,
  CustomerExceptionCreateBody,
  CustomerExceptionSchema,
  ExceptionParams,
  PolicyCreateBody,
  PolicyOrderBody,
  PolicySchema,
  PolicyUpdateBody,
  PreviewBody,
  PreviewSchema,
} from "./sla-schemas.js";

/** Business calendars, SLA policies, customer exceptions and the due-time preview. Staff read; admins write. */
export const slaConfigRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const deleted = { 204: Type.Null(), ...problemResponses };

  app.get(
    "/sla/calendars",
    {
      schema: {
        tags: ["sla"],
        summary: "List business calendars",
        response: { 200: Type.Array(CalendarSchema), ...problemResponses },
      },
    },
    async (request) => listCalendars({ ctx: request.ctx }),
  );

  app.post(
    "/sla/calendars",
    {
      schema: {
        tags: ["sla"],
        summary: "Create a business calendar (admins)",
        body: CalendarCreateBody,
        response: { 201: CalendarSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createCalendar({ ctx: request.ctx, input: request.body })),
  );

  app.get(
    "/sla/calendars/:id",
    {
      schema: {
        tags: ["sla"],
        summary: "Get a business calendar",
        params: IdParams,
        response: { 200: CalendarSchema, ...problemResponses },
      },
    },
    async (request) => getCalendar({ ctx: request.ctx, id: request.params.id }),
  );

  app.patch(
    "/sla/calendars/:id",
    {
      schema: {
        tags: ["sla"],
        summary: "Rename a business calendar or replace its definition (admins)",
        params: IdParams,
        body: CalendarUpdateBody,
        response: { 200: CalendarSchema, ...problemResponses },
      },
    },
    async (request) => updateCalendar({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.delete(
    "/sla/calendars/:id",
    {
      schema: {
        tags: ["sla"],
        summary: "Delete a business calendar no policy or exception uses (admins)",
        params: IdParams,
        response: deleted,
      },
    },
    async (request, reply) => {
      await deleteCalendar({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/sla/policies",
    {
      schema: {
        tags: ["sla"],
        summary: "List SLA policies in order",
        response: { 200: Type.Array(PolicySchema), ...problemResponses },
      },
    },
    async (request) => listPolicies({ ctx: request.ctx }),
  );

  app.post(
    "/sla/policies",
    {
      schema: {
        tags: ["sla"],
        summary: "Create an SLA policy (admins)",
        body: PolicyCreateBody,
        response: { 201: PolicySchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createPolicy({ ctx: request.ctx, input: request.body })),
  );

  app.put(
    "/sla/policies/order",
    {
      schema: {
        tags: ["sla"],
        summary: "Reorder the SLA policies: send every policy's id in the new order (admins)",
        body: PolicyOrderBody,
        response: { 200: Type.Array(PolicySchema), ...problemResponses },
      },
    },
    async (request) => reorderPolicies({ ctx: request.ctx, policyIds: request.body.policyIds }),
  );

  app.get(
    "/sla/policies/:id",
    {
      schema: {
        tags: ["sla"],
        summary: "Get an SLA policy",
        params: IdParams,
        response: { 200: PolicySchema, ...problemResponses },
      },
    },
    async (request) => getPolicy({ ctx: request.ctx, id: request.params.id }),
  );

  app.patch(
    "/sla/policies/:id",
    {
      schema: {
        tags: ["sla"],
        summary: "Change an SLA policy; conditions and targets given replace the old ones whole (admins)",
        params: IdParams,
        body: PolicyUpdateBody,
        response: { 200: PolicySchema, ...problemResponses },
      },
    },
    async (request) => updatePolicy({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.delete(
    "/sla/policies/:id",
    {
      schema: {
        tags: ["sla"],
        summary: "Delete an SLA policy and the customer exceptions bound to it (admins)",
        params: IdParams,
        response: deleted,
      },
    },
    async (request, reply) => {
      await deletePolicy({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );

  app.post(
    "/sla/preview",
    {
      schema: {
        tags: ["sla"],
        summary: "Which targets a ticket like this gets, and when each falls due if it opens at `start`",
        body: PreviewBody,
        response: { 200: PreviewSchema, ...problemResponses },
      },
    },
    async (request) => previewDueTimes({ ctx: request.ctx, input: request.body }),
  );

  app.get(
    "/organizations/:id/sla-exceptions",
    {
      schema: {
        tags: ["sla"],
        summary: "An organization's SLA exceptions, expired ones marked",
        params: IdParams,
        response: { 200: Type.Array(CustomerExceptionSchema), ...problemResponses },
      },
    },
    async (request) => listCustomerExceptions({ ctx: request.ctx, organizationId: request.params.id }),
  );

  app.post(
    "/organizations/:id/sla-exceptions",
    {
      schema: {
        tags: ["sla"],
        summary:
          "Grant an organization its own targets until they expire: replacing a policy's targets of the same " +
          "metrics (when that policy applies), or as an extra set (admins)",
        params: IdParams,
        body: CustomerExceptionCreateBody,
        response: { 201: CustomerExceptionSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(
        await createCustomerException({
          ctx: request.ctx,
          organizationId: request.params.id,
          input: request.body,
        }),
      ),
  );

  app.delete(
    "/organizations/:id/sla-exceptions/:exceptionId",
    {
      schema: {
        tags: ["sla"],
        summary: "Withdraw an SLA exception (admins)",
        params: ExceptionParams,
        response: deleted,
      },
    },
    async (request, reply) => {
      await deleteCustomerException({
        ctx: request.ctx,
        organizationId: request.params.id,
        exceptionId: request.params.exceptionId,
      });
      return reply.status(204).send(null);
    },
  );
};
