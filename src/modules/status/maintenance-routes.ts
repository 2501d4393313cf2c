import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, problemResponses } from "../../http/schemas.js";
import {
  MaintenanceCreateBody,
  MaintenanceListQuery,
  MaintenancePageSchema,
  MaintenancePolicyBody,
  MaintenancePolicySchema,
  MaintenanceSchema,
  MaintenanceUpdateBody,
} from "./maintenance-schemas.js";
import {
  cancelMaintenance,
  editMaintenance,
  getMaintenance,
  listMaintenances,
  scheduleMaintenance,
} from "./manage-maintenance.js";
import { getMaintenancePolicy, setMaintenancePolicy } from "./manage-maintenance-policy.js";

const tags = ["status"];
const withUnprocessable = { ...problemResponses, 422: Type.Ref("Problem") };

/** Maintenance windows and the policy they are held to (`/api/v1/status/maintenance…`). */
export const maintenanceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/status/maintenance-policy",
    {
      schema: {
        tags,
        summary: "When maintenance may happen: weekdays, notice, length, zone (staff)",
        response: { 200: MaintenancePolicySchema, ...problemResponses },
      },
    },
    async (request) => getMaintenancePolicy(request.ctx),
  );

  app.put(
    "/status/maintenance-policy",
    {
      schema: {
        tags,
        summary: "Set the maintenance policy new windows are checked against (admins)",
        body: MaintenancePolicyBody,
        response: { 200: MaintenancePolicySchema, ...problemResponses },
      },
    },
    async (request) => setMaintenancePolicy({ ctx: request.ctx, input: request.body }),
  );

  app.get(
    "/status/maintenances",
    {
      schema: {
        tags,
        summary: "Maintenance windows upcoming, in progress or past, a cursor page at a time (staff)",
        querystring: MaintenanceListQuery,
        response: { 200: MaintenancePageSchema, ...problemResponses },
      },
    },
    async (request) =>
      listMaintenances(request.ctx, {
        when: request.query.when ?? "upcoming",
        limit: request.query.limit,
        cursor: request.query.cursor,
      }),
  );

  app.post(
    "/status/maintenances",
    {
      schema: {
        tags,
        summary:
          "Schedule maintenance; a window breaking the policy is refused with every rule it breaks, unless an admin overrides it with a reason (staff)",
        body: MaintenanceCreateBody,
        response: { 201: MaintenanceSchema, ...withUnprocessable },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await scheduleMaintenance({ ctx: request.ctx, input: request.body })),
  );

  app.get(
    "/status/maintenances/:id",
    {
      schema: {
        tags,
        summary: "One maintenance window (staff)",
        params: IdParams,
        response: { 200: MaintenanceSchema, ...problemResponses },
      },
    },
    async (request) => getMaintenance(request.ctx, request.params.id),
  );

  app.patch(
    "/status/maintenances/:id",
    {
      schema: {
        tags,
        summary:
          "Change a window not yet over, with the version read; a moved window is checked again (staff)",
        params: IdParams,
        body: MaintenanceUpdateBody,
        response: { 200: MaintenanceSchema, ...withUnprocessable },
      },
    },
    async (request) => editMaintenance({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );

  app.post(
    "/status/maintenances/:id/cancel",
    {
      schema: {
        tags,
        summary: "Cancel a window that has not started; subscribers are told (staff)",
        params: IdParams,
        response: { 200: MaintenanceSchema, ...problemResponses },
      },
    },
    async (request) => cancelMaintenance({ ctx: request.ctx, id: request.params.id }),
  );
};
