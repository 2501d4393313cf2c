import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { isDatabaseUnavailable } from "../db/database-unavailable.js";
import type { ReadReplica } from "../db/read-replica.js";
import { isWalPosition } from "../db/wal-position.js";
import { ValidationError } from "../errors.js";
import { isUnsafeMethod } from "./csrf.js";

declare module "fastify" {
  interface FastifyContextConfig {
    /** A list or report that may read from the replica (`DATABASE_REPLICA_URL`): nothing it reads is written back. */
    readsFromReplica?: boolean;
  }
  interface FastifyRequest {
    /** Whether this request's reads went to the replica. */
    readFromReplica?: boolean;
  }
}

/** The primary's log position after a write, handed to the client and sent back with its reads. */
export const readAfterHeader = "tend-read-after";

/**
 * Sends the reads of routes marked `readsFromReplica` to the replica when the caller's own writes have
 * reached it (src/db/read-replica.ts), and tells every caller where the primary stood after a write.
 * Registered only when a replica is configured.
 */
export const readRouting = fp(async (app: FastifyInstance, options: { replica: ReadReplica }) => {
  const { replica } = options;
  app.addHook("preHandler", async (request) => {
    if (!request.routeOptions.config?.readsFromReplica) return;
    const sent = request.headers[readAfterHeader];
    if (sent !== undefined && (typeof sent !== "string" || !isWalPosition(sent)))
      throw new ValidationError({
        field: readAfterHeader,
        message: "must be a log position as a write's response gave it, like 0/3000060",
      });
    const { ctx } = request;
    const personId = ctx.actor.kind === "person" ? ctx.actor.personId : undefined;
    const db = await replica.readerFor(personId, sent);
    if (db === replica.replica) {
      request.ctx = { ...ctx, db };
      request.readFromReplica = true;
    }
  });
  app.addHook("onSend", async (request, reply, payload) => {
    if (!isUnsafeMethod(request.method) || reply.statusCode >= 400) return payload;
    const actor = request.ctx?.actor;
    if (actor?.kind !== "person") return payload;
    try {
      reply.header(readAfterHeader, await replica.recordWrite(actor.personId));
    } catch (error) {
      // The write has committed; only the hint is lost, and this person's next list may lag a moment.
      request.log.warn({ err: error }, "could not read the primary's position after a write");
    }
    return payload;
  });
  app.addHook("onError", async (request, _reply, error) => {
    if (request.readFromReplica && isDatabaseUnavailable(error)) replica.replicaUnreachable(error);
  });
});
