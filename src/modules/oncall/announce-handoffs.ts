import { postToChat } from "../../shared/chat-webhook.js";
import type { Context } from "../../shared/context.js";
import { formatReturnTime } from "../health/closed-hours-acknowledgement.js";
import { systemScope } from "../identity/tenant-scope.js";
import { claimAnnouncement, listAnnouncingSchedules, type ScheduleRow } from "./oncall-repository.js";
import { currentShiftEnd, loadSchedule, peopleByIds } from "./read-schedules.js";
import { onCallAt } from "./rotation.js";

export const announceHandoffsJob = "oncall.announce-handoffs";

export function handoffAnnouncement(name: string, until: number | null, timeZone: string): string {
  const end = until === null ? "further notice" : formatReturnTime(new Date(until), timeZone);
  return `On duty for support: ${name} until ${end}`;
}

/**
 * The `oncall.announce-handoffs` job: for each schedule with a chat webhook whose on-call person
 * changed since its last announcement, posts who is on duty now (the channel topic the teams keep
 * current). Claiming the announcement is a compare-and-set, so however many workers run it, each
 * handoff is announced once; a post that fails hands the claim back for the next run.
 */
export async function announceHandoffs(ctx: Context): Promise<{ announced: number; failed: number }> {
  const now = ctx.clock.now();
  let announced = 0;
  let failed = 0;
  for (const row of await listAnnouncingSchedules(ctx.db)) {
    const outcome = await announceSchedule(ctx, row, now);
    if (outcome === "announced") announced += 1;
    if (outcome === "failed") failed += 1;
  }
  return { announced, failed };
}

async function announceSchedule(
  ctx: Context,
  row: ScheduleRow,
  now: Date,
): Promise<"announced" | "failed" | "unchanged"> {
  const schedule = await loadSchedule(ctx.db, row);
  const onCall = onCallAt(schedule.compiled, now.getTime());
  // A gap is not announced: the last person named stays the one to compare the next handoff with.
  if (!onCall || onCall.personId === row.last_announced_person_id || !row.chat_webhook_url)
    return "unchanged";
  const read = { personId: row.last_announced_person_id, at: row.last_announced_at };
  const claimed = { personId: onCall.personId, at: now.toISOString() };
  if (!(await claimAnnouncement(ctx.db, row.id, read, claimed))) return "unchanged";
  const person = (await peopleByIds(ctx.db, systemScope("handoff announcement"), [onCall.personId])).get(
    onCall.personId,
  );
  const text = handoffAnnouncement(
    person?.name ?? "someone no longer here",
    currentShiftEnd(schedule.compiled, now.getTime()),
    row.time_zone,
  );
  try {
    await postToChat(row.chat_webhook_url, text);
    return "announced";
  } catch (error) {
    ctx.logger.warn({ err: error, scheduleId: row.id }, "handoff announcement failed; retrying next run");
    await claimAnnouncement(ctx.db, row.id, claimed, read);
    return "failed";
  }
}
