import { readdir } from "node:fs/promises";
import { join } from "node:path";
import type { Db } from "../../src/db/database.js";
import type { TendApp } from "../../src/http/build-app.js";
import { type FormPart, form } from "./multipart-form.js";

/** `POST /api/v1/uploads` with a multipart form, as the portal and the agent composer send it. */
export function postUpload(app: TendApp, who: { authorization: string }, parts: FormPart[]) {
  const body = form(parts);
  return app.inject({
    method: "POST",
    url: "/api/v1/uploads",
    headers: { ...who, ...body.headers },
    payload: body.payload,
  });
}

/** Every file in an attachment store, stored or half-received: what a refused write must not add to. */
export async function filesInStore(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

/** Uploads not yet claimed by a ticket or comment. */
export async function countUploads(db: Db): Promise<number> {
  const row = await db
    .selectFrom("uploads")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
