import fastifyMultipart from "@fastify/multipart";
import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import type { FastifyRequest } from "fastify";
import { Type } from "typebox";
import { DomainError, UnsupportedMediaTypeError, ValidationError } from "../../errors.js";
import { problemResponses } from "../../http/schemas.js";
import { requirePerson } from "../identity/identity-policy.js";
import { type ReceivedUpload, receiveUpload } from "./receive-upload.js";

const UploadSchema = Type.Object({
  id: Type.String({ description: "Send it in `uploadIds` with a new ticket or comment within 24 hours" }),
  filename: Type.String({ description: "Sanitized: no path, no control characters" }),
  contentType: Type.String(),
  size: Type.Integer({ description: "Bytes" }),
});

const UploadForm = Type.Object(
  { file: Type.String({ format: "binary", description: "The file; exactly one part, named `file`" }) },
  { additionalProperties: false },
);

const onePart = "send exactly one part: a file named `file`";

/**
 * `POST /uploads`: one file, streamed into the attachment store as it arrives, held for its
 * uploader until a ticket or comment claims it. The parser is registered here only, so no other
 * route takes multipart.
 */
export const uploadRoutes: FastifyPluginAsyncTypebox<{ maxBytes: number }> = async (app, { maxBytes }) => {
  await app.register(fastifyMultipart, {
    // One part only; busboy's own file limit sits past ours so the store's count is the one that
    // refuses (and names the limit), and field values stay small.
    limits: { parts: 1, files: 1, fields: 0, fileSize: maxBytes + 1, fieldSize: 1024, headerPairs: 50 },
  });
  app.post(
    "/uploads",
    {
      schema: {
        tags: ["attachments"],
        summary:
          "Upload a file to attach to a new ticket or comment (multipart/form-data, one part named file)",
        description:
          "Refused: over the attachment size limit (413), programs and scripts (422), the attachment store's disk full (507: nothing kept, the same upload succeeds once space is freed). Unclaimed uploads expire after 24 hours.",
        consumes: ["multipart/form-data"],
        body: { content: { "multipart/form-data": { schema: UploadForm } } },
        response: {
          201: UploadSchema,
          ...problemResponses,
          413: Type.Ref("Problem"),
          415: Type.Ref("Problem"),
          422: Type.Ref("Problem"),
          507: Type.Ref("Problem"),
        },
      },
      // The body is a stream the handler reads part by part, checking each as it comes; the schema
      // above documents the form for the OpenAPI document and is not run against a parsed body.
      validatorCompiler: () => () => true,
    },
    async (request, reply) => {
      // Who may upload is settled before the body is looked at: a stranger learns nothing of the form.
      requirePerson(request.ctx.actor);
      if (!request.isMultipart())
        throw new UnsupportedMediaTypeError("Send the file as multipart/form-data, one part named `file`.");
      let received: ReceivedUpload;
      try {
        received = await receiveOnePart(request, maxBytes);
      } catch (error) {
        // Refused before the body's end: close the connection instead of reading what remains.
        if (!request.raw.readableEnded) reply.header("connection", "close");
        throw error;
      }
      return reply.status(201).send(await received.store().catch(discarding(received)));
    },
  );
};

async function receiveOnePart(request: FastifyRequest, maxBytes: number): Promise<ReceivedUpload> {
  let received: ReceivedUpload | undefined;
  try {
    for await (const part of request.parts()) {
      if (received || part.type !== "file" || part.fieldname !== "file") {
        if (part.type === "file") part.file.resume();
        throw ValidationError.field("file", `${onePart}; got the ${part.type} \`${part.fieldname}\``);
      }
      received = await receiveUpload({
        ctx: request.ctx,
        offered: { filename: part.filename, contentType: part.mimetype, content: part.file },
        maxBytes,
      });
    }
  } catch (error) {
    await received?.discard();
    throw multipartRefusal(error);
  }
  if (!received) throw ValidationError.field("file", onePart);
  return received;
}

function discarding(received: ReceivedUpload) {
  return async (error: unknown): Promise<never> => {
    await received.discard();
    throw error;
  };
}

/**
 * The parser's refusals in the API's words: a part past the limits is a malformed form (400), not
 * a large body, and busboy's plain errors ("Unexpected end of form", "Malformed part header") are
 * a body that is not multipart. Domain errors, the plugin's own and system errors pass unchanged.
 */
function multipartRefusal(error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof DomainError) return error;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (code === "FST_PARTS_LIMIT" || code === "FST_FILES_LIMIT" || code === "FST_FIELDS_LIMIT")
    return ValidationError.field("file", onePart);
  if (code === undefined && statusCode === undefined)
    return ValidationError.field("file", `not a readable multipart/form-data body: ${error.message}`);
  return error;
}
