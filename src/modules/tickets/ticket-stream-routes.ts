import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { NotAcceptableError } from "../../errors.js";
import { problemResponses } from "../../http/schemas.js";
import type { TicketChangeFeed } from "./ticket-change-feed.js";
import { watchTicketChanges } from "./watch-ticket-changes.js";

/** A comment line now and then keeps proxies and load balancers from closing an idle stream. */
const heartbeatMs = 15_000;
/**
 * A stream outlives no credential by long: it ends after this, and the browser's EventSource
 * reconnects (after the `retry` delay) through the usual session or token check.
 */
const streamLifetimeMs = 15 * 60_000;
const reconnectDelayMs = 2_000;

export const ticketStreamRoutes: FastifyPluginAsyncTypebox<{ feed: TicketChangeFeed }> = async (
  app,
  { feed },
) => {
  const openStreams = new Set<() => void>();
  // A server closing waits for open connections; a stream is never idle, so it is ended first.
  app.addHook("preClose", async () => {
    for (const end of [...openStreams]) end();
  });

  app.get(
    "/stream",
    {
      schema: {
        tags: ["tickets"],
        summary: "Live ticket changes as Server-Sent Events (staff)",
        description:
          "`text/event-stream`: an `event: ticket` with `data: {number, version, changedBy}` whenever a ticket " +
          `changes and commits (through the API, email or a timer); a \`: heartbeat\` comment every ${heartbeatMs / 1000} s. ` +
          `The stream ends after ${streamLifetimeMs / 60_000} minutes; EventSource reconnects on its own. ` +
          "Send `Accept: text/event-stream`; other requests get 406.",
        produces: ["text/event-stream"],
        response: {
          200: Type.String({ description: "The event stream" }),
          ...problemResponses,
          406: Type.Ref("Problem"),
        },
      },
    },
    async (request, reply) => {
      const raw = reply.raw;
      const write = (chunk: string) => {
        if (!raw.writableEnded) raw.write(chunk);
      };
      // Subscribing checks who asks first, so a refusal is an ordinary problem+json answer.
      const unsubscribe = watchTicketChanges({
        ctx: request.ctx,
        feed,
        onChange: (notice) => write(`event: ticket\ndata: ${JSON.stringify(notice)}\n\n`),
      });
      // Only a client that asks for a stream gets one (EventSource always does): anything else —
      // a JSON client, a crawler, a test harness waiting for the body to end — is told, not held open.
      if (!/\btext\/event-stream\b/i.test(request.headers.accept ?? "")) {
        unsubscribe();
        throw new NotAcceptableError(
          "This is an event stream: send Accept: text/event-stream (EventSource does).",
        );
      }
      reply.hijack();
      // The security headers set so far travel with the stream.
      for (const [name, value] of Object.entries(reply.getHeaders())) {
        if (value !== undefined) raw.setHeader(name, value);
      }
      raw.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        // nginx buffers responses by default, which would hold events back.
        "x-accel-buffering": "no",
      });
      write(`retry: ${reconnectDelayMs}\n: connected\n\n`);
      const heartbeat = setInterval(() => write(": heartbeat\n\n"), heartbeatMs);
      const lifetime = setTimeout(() => end(), streamLifetimeMs);
      const end = () => {
        clearInterval(heartbeat);
        clearTimeout(lifetime);
        unsubscribe();
        openStreams.delete(end);
        if (!raw.writableEnded) raw.end();
      };
      openStreams.add(end);
      // The response closes when the client goes away (or the stream ends): stop listening then.
      raw.on("close", end);
    },
  );
};
