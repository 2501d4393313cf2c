import { ForbiddenError, NotFoundError, UnprocessableContentError, ValidationError } from "../../errors.js";
import { type Context, inTransaction } from "../../shared/context.js";
import { newId } from "../../shared/ids.js";
import { onFirstUse } from "../../shared/on-first-use.js";
import { recordAudit } from "../audit/record-audit.js";
import { isAdmin, requireStaff } from "../identity/identity-policy.js";
import { hashSecret, newSecret } from "../identity/secrets.js";
import { systemScope, tenantScopeOf } from "../identity/tenant-scope.js";
import { mayActFor } from "./oncall-policy.js";
import {
  type FeedTokenRow,
  findFeedTokenById,
  findLiveFeedTokenByHash,
  findScheduleById,
  insertFeedToken,
  listLiveFeedTokens,
  listScheduleRows,
  revokeFeedToken,
} from "./oncall-repository.js";
import { loadSchedule, peopleByIds, WEEK } from "./read-schedules.js";
import { finalShifts } from "./rotation.js";

export interface FeedView {
  id: string;
  scheduleId: string | null;
  personId: string | null;
  /** Who made it: the feeds a person owns are theirs to list and revoke. */
  createdBy: string | null;
  createdAt: string;
  /** Only in the answer that made it: the secret is stored as its hash and cannot be shown again. */
  url?: string;
}

/** A calendar shows the recent past (who was on last week) and half a year ahead. */
const feedPast = 2 * WEEK;
const feedAhead = 26 * WEEK;
const secretPrefix = "tendcal_";

const presentFeed = (row: FeedTokenRow): FeedView => ({
  id: row.id,
  scheduleId: row.schedule_id,
  personId: row.person_id,
  createdBy: row.created_by,
  createdAt: row.created_at,
});

export function feedUrl(publicUrl: string, secret: string): string {
  return `${publicUrl.replace(/\/$/, "")}/api/v1/oncall/feeds/${secret}.ics`;
}

/**
 * A secret calendar URL for one schedule (any staff member) or one person's shifts in every
 * schedule (the person themselves, or an admin). Calendar apps subscribe without signing in, so
 * the URL is the credential: shown once, stored as a hash.
 */
export async function createFeed({
  ctx,
  input,
  publicUrl,
}: {
  ctx: Context;
  input: { scheduleId?: string; personId?: string };
  publicUrl: string;
}): Promise<FeedView> {
  requireStaff(ctx.actor);
  const scheduleId = input.scheduleId ?? null;
  const personId = input.personId ?? null;
  if ((scheduleId === null) === (personId === null))
    throw ValidationError.field(
      scheduleId === null ? "scheduleId" : "personId",
      "give a scheduleId or a personId, not both",
    );
  if (personId !== null && !mayActFor(ctx.actor, [personId]))
    throw new ForbiddenError("A person's calendar feed is theirs to make, or an admin's.");
  return inTransaction(ctx, async (tx) => {
    if (scheduleId !== null && !(await findScheduleById(tx.db, scheduleId)))
      throw UnprocessableContentError.field("scheduleId", `no on-call schedule ${scheduleId}`);
    if (personId !== null) {
      const person = (await peopleByIds(tx.db, tenantScopeOf(tx.actor), [personId])).get(personId);
      if (!person || person.role === "customer")
        throw UnprocessableContentError.field("personId", `no agent or admin ${personId}`);
    }
    const secret = newSecret(secretPrefix);
    const row: FeedTokenRow = {
      id: newId(),
      token_hash: hashSecret(secret),
      schedule_id: scheduleId,
      person_id: personId,
      created_by: tx.actor.kind === "person" ? tx.actor.personId : null,
      created_at: tx.clock.now().toISOString(),
      revoked_at: null,
    };
    await insertFeedToken(tx.db, row);
    await recordAudit(tx, {
      action: "oncall_feed.created",
      targetType: "oncall_feed",
      targetId: row.id,
      after: { scheduleId, personId },
    });
    return { ...presentFeed(row), url: feedUrl(publicUrl, secret) };
  });
}

/** The caller's live feeds; an admin sees everyone's. */
export async function listFeeds(ctx: Context): Promise<FeedView[]> {
  requireStaff(ctx.actor);
  const mine = isAdmin(ctx.actor) || ctx.actor.kind !== "person" ? null : ctx.actor.personId;
  return (await listLiveFeedTokens(ctx.db, mine)).map(presentFeed);
}

export async function revokeFeed({ ctx, id }: { ctx: Context; id: string }): Promise<void> {
  requireStaff(ctx.actor);
  await inTransaction(ctx, async (tx) => {
    const feed = await findFeedTokenById(tx.db, id);
    // Someone else's feed is "not found": its existence is no business of another agent's.
    if (!feed || feed.revoked_at !== null || !mayActFor(tx.actor, [feed.created_by, feed.person_id]))
      throw new NotFoundError(`No calendar feed ${id}.`);
    await revokeFeedToken(tx.db, id, tx.clock.now().toISOString());
    await recordAudit(tx, {
      action: "oncall_feed.revoked",
      targetType: "oncall_feed",
      targetId: id,
      before: { scheduleId: feed.schedule_id, personId: feed.person_id },
    });
  });
}

/** Imported with the first feed served: most processes never serve one. */
const loadIcalGenerator = onFirstUse(() => import("ical-generator"));

/**
 * The iCalendar text behind a secret URL, or not found. The secret is looked up by its SHA-256,
 * so the lookup's timing says nothing about how close a guess came.
 */
export async function renderFeed(ctx: Context, secret: string): Promise<string> {
  const feed = await findLiveFeedTokenByHash(ctx.db, hashSecret(secret));
  if (!feed) throw new NotFoundError("No such calendar feed.");
  const scope = systemScope("a live calendar feed's secret URL");
  const rows = feed.schedule_id
    ? [await findScheduleById(ctx.db, feed.schedule_id)].filter((row) => row !== undefined)
    : await listScheduleRows(ctx.db);
  const now = ctx.clock.now().getTime();
  const from = now - feedPast;
  const to = now + feedAhead;
  const { default: ical } = await loadIcalGenerator();
  const calendar = ical({
    name: feed.schedule_id ? `On call: ${rows[0]?.name ?? ""}` : "My on-call shifts",
    prodId: { company: "Tend", product: "on-call", language: "EN" },
  });
  const schedules = await Promise.all(rows.map((row) => loadSchedule(ctx.db, row)));
  const shifts = schedules.flatMap((schedule) =>
    finalShifts(schedule.compiled, from, to)
      .filter(
        (shift) => shift.onCall && (feed.person_id === null || shift.onCall.personId === feed.person_id),
      )
      .map((shift) => ({ schedule: schedule.row, shift, personId: shift.onCall?.personId as string })),
  );
  const people = await peopleByIds(
    ctx.db,
    scope,
    shifts.map((s) => s.personId),
  );
  for (const { schedule, shift, personId } of shifts) {
    calendar.createEvent({
      // Stable per shift start, so a subscribed calendar updates an event rather than adding one.
      id: `${schedule.id}-${shift.start}@tend`,
      start: new Date(shift.start),
      end: new Date(shift.end),
      summary: feed.person_id
        ? `On call: ${schedule.name}`
        : `On call: ${people.get(personId)?.name ?? "someone no longer here"}`,
    });
  }
  return calendar.toString();
}
