import { newId } from "../../src/shared/ids.js";

/** One part of a multipart/form-data body. */
export interface FormPart {
  name: string;
  filename?: string;
  type?: string;
  content: string | Buffer;
}

/** A multipart/form-data body as a browser's FormData sends it. */
export function form(parts: FormPart[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----tend${newId().replaceAll("-", "")}`;
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ""}`;
    const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${part.type ? `Content-Type: ${part.type}\r\n` : ""}\r\n`;
    chunks.push(Buffer.from(head), Buffer.from(part.content), Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  };
}

export const fileOf = (
  content: string | Buffer,
  filename = "screenshot.png",
  type = "image/png",
): FormPart => ({
  name: "file",
  filename,
  type,
  content,
});
