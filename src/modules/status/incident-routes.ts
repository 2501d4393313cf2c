import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, problemResponses } from "../../http/schemas.js";
import {
  ChecklistStepBody,
  FollowUpChangeBody,
  FollowUpCreateBody,
  FollowUpParams,
  FollowUpSchema,
  IncidentChangeBody,
  IncidentCreateBody,
  IncidentDetailSchema,
  IncidentListQuery,
  IncidentNoteBody,
  IncidentPageSchema,
  IncidentPublishBody,
  IncidentUpdateBody,
  RetrospectiveBody,
  RetrospectiveSchema,
  SecurityChecklistBody,
  SecurityChecklistSchema,
} from "./incident-schemas.js";
import {
  addIncidentNote,
  changeIncidentDetails,
  getIncident,
  listIncidents,
  markChecklistStep,
  openIncident,
  postIncidentUpdate,
  publishIncident,
} from "./manage-incidents.js";
import { configureSecurityChecklist, getSecurityChecklist } from "./manage-security-checklist.js";
import {
  changeFollowUp,
  createFollowUp,
  deleteFollowUp,
  getRetrospective,
  saveRetrospective,
} from "./retrospectives.js";

const tags = ["status"];
const withUnprocessable = { ...problemResponses, 422: Type.Ref("Problem") };

/** Incidents, their log, the security checklist and retrospectives: staff run incidents, admins configure. */
export const incidentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/status/incidents",
    {
      schema: {
        tags,
        summary: "Incidents, newest first, by state and kind, a cursor page at a time (staff)",
        querystring: IncidentListQuery,
        response: { 200: IncidentPageSchema, ...problemResponses },
      },
    },
    async (request) => listIncidents(request.ctx, request.query),
  );

  app.post(
    "/status/incidents",
    {
      schema: {
        tags,
        summary:
          "Open an incident in state investigating; a security incident opens private, with its checklist (staff)",
        body: IncidentCreateBody,
        response: { 201: IncidentDetailSchema, ...withUnprocessable },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await openIncident({ ctx: request.ctx, input: request.body })),
  );

  app.get(
    "/status/incidents/:id",
    {
      schema: {
        tags,
        summary: "One incident with its log (public updates and internal notes) and checklist (staff)",
        params: IdParams,
        response: { 200: IncidentDetailSchema, ...problemResponses },
      },
    },
    async (request) => getIncident(request.ctx, request.params.id),
  );

  app.patch(
    "/status/incidents/:id",
    {
      schema: {
        tags,
        summary: "Change an incident's title, impact or affected components, at the version read (staff)",
        params: IdParams,
        body: IncidentChangeBody,
        response: { 200: IncidentDetailSchema, ...withUnprocessable },
      },
    },
    async (request) =>
      changeIncidentDetails({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.post(
    "/status/incidents/:id/updates",
    {
      schema: {
        tags,
        summary: "Post a public update, moving the state and/or impact; announced once published (staff)",
        params: IdParams,
        body: IncidentUpdateBody,
        response: { 201: IncidentDetailSchema, ...withUnprocessable },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await postIncidentUpdate({ ctx: request.ctx, id: request.params.id, input: request.body })),
  );

  app.post(
    "/status/incidents/:id/notes",
    {
      schema: {
        tags,
        summary: "Add an internal note to the incident's log: never public, never announced (staff)",
        params: IdParams,
        body: IncidentNoteBody,
        response: { 201: IncidentDetailSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await addIncidentNote({ ctx: request.ctx, id: request.params.id, body: request.body.body })),
  );

  app.post(
    "/status/incidents/:id/publish",
    {
      schema: {
        tags,
        summary:
          "Publish a private (security) incident with a first public statement, and announce it (staff)",
        params: IdParams,
        body: IncidentPublishBody,
        response: { 200: IncidentDetailSchema, ...withUnprocessable },
      },
    },
    async (request) => publishIncident({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.put(
    "/status/incidents/:id/checklist",
    {
      schema: {
        tags,
        summary: "Mark a security incident's checklist step done or not done (staff)",
        params: IdParams,
        body: ChecklistStepBody,
        response: { 200: IncidentDetailSchema, ...problemResponses },
      },
    },
    async (request) =>
      markChecklistStep({
        ctx: request.ctx,
        id: request.params.id,
        position: request.body.position,
        done: request.body.done,
      }),
  );

  app.get(
    "/status/incidents/:id/retrospective",
    {
      schema: {
        tags,
        summary: "The incident's retrospective, or a draft whose timeline is the incident's log (staff)",
        params: IdParams,
        response: { 200: RetrospectiveSchema, ...problemResponses },
      },
    },
    async (request) => getRetrospective(request.ctx, request.params.id),
  );

  app.put(
    "/status/incidents/:id/retrospective",
    {
      schema: {
        tags,
        summary: "Save the retrospective: version 0 for the first time, else the version read (staff)",
        params: IdParams,
        body: RetrospectiveBody,
        response: { 200: RetrospectiveSchema, ...problemResponses },
      },
    },
    async (request) =>
      saveRetrospective({ ctx: request.ctx, incidentId: request.params.id, input: request.body }),
  );

  app.post(
    "/status/incidents/:id/follow-ups",
    {
      schema: {
        tags,
        summary: "Add a follow-up item with a staff owner, due day and a ticket or URL (staff)",
        params: IdParams,
        body: FollowUpCreateBody,
        response: { 201: FollowUpSchema, ...withUnprocessable },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(await createFollowUp({ ctx: request.ctx, incidentId: request.params.id, input: request.body })),
  );

  app.patch(
    "/status/incidents/:id/follow-ups/:followUpId",
    {
      schema: {
        tags,
        summary: "Change a follow-up item or mark it done or not done (staff)",
        params: FollowUpParams,
        body: FollowUpChangeBody,
        response: { 200: FollowUpSchema, ...withUnprocessable },
      },
    },
    async (request) =>
      changeFollowUp({
        ctx: request.ctx,
        incidentId: request.params.id,
        id: request.params.followUpId,
        input: request.body,
      }),
  );

  app.delete(
    "/status/incidents/:id/follow-ups/:followUpId",
    {
      schema: {
        tags,
        summary: "Delete a follow-up item (staff)",
        params: FollowUpParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await deleteFollowUp({
        ctx: request.ctx,
        incidentId: request.params.id,
        id: request.params.followUpId,
      });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/status/security-checklist",
    {
      schema: {
        tags,
        summary: "The steps every new security incident follows, with deadlines from its start (staff)",
        response: { 200: SecurityChecklistSchema, ...problemResponses },
      },
    },
    async (request) => getSecurityChecklist(request.ctx),
  );

  app.put(
    "/status/security-checklist",
    {
      schema: {
        tags,
        summary: "Replace the security-incident checklist; open incidents keep their copy (admins)",
        body: SecurityChecklistBody,
        response: { 200: SecurityChecklistSchema, ...problemResponses },
      },
    },
    async (request) => configureSecurityChecklist({ ctx: request.ctx, steps: request.body.steps }),
  );
};
