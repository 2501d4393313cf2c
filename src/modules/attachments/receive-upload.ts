import type { Readable } from "node:stream";
import { ContentTooLargeError, UnprocessableContentError } from "../../errors.js";
import type { Context } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { requirePerson } from "../identity/identity-policy.js";
import { presentUpload, type UploadView } from "./attachment-presenter.js";
import { declaredMediaType, sanitizeFilename, uploadRefusal } from "./attachment-rules.js";
import { attachmentsDirOf, FileOverLimitError, receiveAttachmentFile } from "./attachment-store.js";
import { insertUpload } from "./upload-repository.js";

export interface OfferedUpload {
  /** As the client named it; sanitized here. */
  filename: string | undefined;
  contentType: string | undefined;
  content: Readable;
}

/** A file received whole: `store` keeps it as the caller's upload, `discard` leaves nothing behind. */
export interface ReceivedUpload {
  store(): Promise<UploadView>;
  discard(): Promise<void>;
}

/**
 * Receives one file for the calling person: refused by type before a byte is written, counted
 * against `maxBytes` as it streams (over it, the partial file is removed and nothing is kept).
 * The file is stored and its `uploads` row written only by `store`, which the caller runs once the
 * rest of its request proved sound; the row comes after the file, as for every attachment.
 */
export async function receiveUpload({
  ctx,
  offered,
  maxBytes,
}: {
  ctx: Context;
  offered: OfferedUpload;
  maxBytes: number;
}): Promise<ReceivedUpload> {
  const uploader = requirePerson(ctx.actor);
  const filename = sanitizeFilename(offered.filename);
  const contentType = declaredMediaType(offered.contentType);
  const refusal = uploadRefusal(filename, offered.contentType ?? "");
  if (refusal) throw UnprocessableContentError.field("file", `${filename}: ${refusal}`);
  const received = await receiveAttachmentFile(attachmentsDirOf(ctx), offered.content, maxBytes).catch(
    (error: unknown) => {
      if (error instanceof FileOverLimitError)
        throw new ContentTooLargeError(`${filename} is over the ${limitInWords(maxBytes)} limit for a file.`);
      throw error;
    },
  );
  return {
    async store() {
      await received.keep();
      const row = {
        id: newId(),
        uploader_id: uploader.personId,
        filename,
        content_type: contentType,
        size_bytes: received.size,
        sha256: received.sha256,
        created_at: ctx.clock.now().toISOString(),
      };
      await insertUpload(ctx.db, row);
      ctx.logger.info({ upload: row.id, size: row.size_bytes }, "file uploaded");
      return presentUpload(row);
    },
    discard: () => received.discard(),
  };
}

function limitInWords(bytes: number): string {
  const mebibytes = bytes / 1024 / 1024;
  return mebibytes >= 1 ? `${Number(mebibytes.toFixed(1))} MB (${bytes} bytes)` : `${bytes} bytes`;
}
