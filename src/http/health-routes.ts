import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { sql } from "kysely";
import { Type } from "typebox";
import { type Db, pendingMigrations } from "../db/database.js";

/** `/healthz`: the process answers. `/readyz`: the database answers and the schema is current. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ db: Db }> = async (app, { db }) => {
  app.get(
    "/healthz",
    {
      schema: {
        tags: ["health"],
        summary: "Liveness",
        response: { 200: Type.Object({ status: Type.Literal("ok") }) },
      },
    },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/readyz",
    {
      schema: {
        tags: ["health"],
        summary: "Readiness: database reachable and migrations applied",
        response: {
          200: Type.Object({ status: Type.Literal("ready") }),
          503: Type.Object({ status: Type.Literal("unavailable"), reason: Type.String() }),
        },
      },
    },
    async (request, reply) => {
      try {
        await sql`SELECT 1`.execute(db);
        const pending = await pendingMigrations(db);
        if (pending.length > 0) {
          return reply
            .status(503)
            .send({ status: "unavailable" as const, reason: `pending migrations: ${pending.join(", ")}` });
        }
        return { status: "ready" as const };
      } catch (error) {
        request.log.warn({ err: error }, "readiness check failed");
        return reply.status(503).send({ status: "unavailable" as const, reason: "database unreachable" });
      }
    },
  );
};
