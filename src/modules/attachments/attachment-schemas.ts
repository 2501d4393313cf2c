import { Type } from "typebox";

export const AttachmentSchema = Type.Object({
  id: Type.String(),
  filename: Type.String({ description: "Sanitized: no path, no control characters" }),
  contentType: Type.String({
    description:
      "As the sender declared it; downloads of active types are served as application/octet-stream",
  }),
  size: Type.Integer({ description: "Bytes" }),
  inline: Type.Boolean({ description: "An inline image of the message's HTML" }),
  contentId: Type.Union([Type.String(), Type.Null()]),
});
