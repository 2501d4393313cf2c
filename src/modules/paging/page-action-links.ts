import { type Context, inTransaction, withActor } from "../../shared/context.js";
import type { Role } from "../identity/actor.js";
import { findPersonById } from "../identity/person-repository.js";
import { hashSecret } from "../identity/secrets.js";
import { type PageResponse, respondToPage } from "./manage-pages.js";
import { isPageable } from "./pageable-person.js";
import type { PageView } from "./paging-presenter.js";
import {
  findActionToken,
  findPageById,
  type PageActionTokenRow,
  spendActionToken,
} from "./paging-repository.js";

/** What a mailed link leads to: a page to confirm an action on, or why it leads nowhere. */
export type PageActionLink =
  | { state: "valid"; action: PageResponse; page: { title: string; status: string }; personName: string }
  | { state: "unknown" | "used" | "expired" };

async function linkOf(
  ctx: Context,
  secret: string,
): Promise<PageActionTokenRow | { state: "unknown" | "used" | "expired" }> {
  const row = await findActionToken(ctx.db, hashSecret(secret));
  if (!row) return { state: "unknown" };
  if (row.used_at !== null) return { state: "used" };
  if (row.expires_at <= ctx.clock.now().toISOString()) return { state: "expired" };
  return row;
}

/**
 * Reads a link without spending it: mail scanners fetch every link in a mail, so opening one only
 * shows what it would do. No sign-in: the secret is the credential, 256 random bits, hashed at rest.
 */
export async function inspectPageAction(ctx: Context, secret: string): Promise<PageActionLink> {
  const link = await linkOf(ctx, secret);
  if ("state" in link) return link;
  const page = await findPageById(ctx.db, link.page_id);
  const person = await findPersonById(ctx.db, link.person_id);
  if (!page || !person || !isPageable(person)) return { state: "unknown" };
  return {
    state: "valid",
    action: link.action as PageResponse,
    page: { title: page.title, status: page.status },
    personName: person.name,
  };
}

/**
 * Spends the link and acknowledges or resolves the page for the person it was mailed to, in one
 * transaction: if the page was already answered (a 409), the link stays unspent with it.
 */
export async function performPageAction(
  ctx: Context,
  secret: string,
): Promise<{ state: "done"; page: PageView } | { state: "unknown" | "used" | "expired" }> {
  return inTransaction(ctx, async (tx) => {
    const link = await linkOf(tx, secret);
    if ("state" in link) return link;
    if (!(await spendActionToken(tx.db, link.token_hash, tx.clock.now().toISOString())))
      return { state: "used" };
    const person = await findPersonById(tx.db, link.person_id);
    // A link mailed before its person was deactivated or erased is theirs no more.
    if (!person || !isPageable(person)) return { state: "unknown" };
    // The link stands for the person it was mailed to, for this one action: the audit trail says so.
    const asPerson = withActor(
      tx,
      {
        kind: "person",
        personId: person.id,
        role: person.role as Role,
        organizationId: person.organization_id,
      },
      "email",
    );
    const page = await respondToPage(asPerson, link.page_id, link.action as PageResponse);
    return { state: "done", page };
  });
}
