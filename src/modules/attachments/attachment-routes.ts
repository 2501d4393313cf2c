import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { problemResponses } from "../../http/schemas.js";
import { downloadAttachment } from "./read-attachments.js";

/** Downloads of files that came with a ticket's messages; listed on each comment of the ticket API. */
export const attachmentRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/tickets/:number/attachments/:id",
    {
      schema: {
        tags: ["tickets"],
        summary: "Download an attachment of a comment you may read (always as a download, never rendered)",
        params: Type.Object(
          {
            number: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
            id: Type.String({ format: "uuid" }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Unsafe<Buffer>({ type: "string", format: "binary", description: "The file's bytes" }),
          ...problemResponses,
        },
      },
    },
    async (request, reply) => {
      const download = await downloadAttachment({
        ctx: request.ctx,
        number: request.params.number,
        attachmentId: request.params.id,
      });
      // nosniff keeps a browser from guessing HTML in a file served as something else; the
      // disposition makes every file a download, and a sandbox CSP covers a direct navigation.
      return reply
        .header("content-type", download.contentType)
        .header("content-disposition", download.contentDisposition)
        .header("x-content-type-options", "nosniff")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .header("cache-control", "private, no-store")
        .send(download.content);
    },
  );
};
