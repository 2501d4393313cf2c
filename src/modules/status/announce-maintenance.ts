import { type Context, inTransaction } from "../../shared/context.js";
import { claimMaintenanceAnnouncement, listMaintenancesToAnnounce } from "./maintenance-repository.js";
import { announceStatusChange } from "./status-announcements.js";
import { statusPageChanged } from "./status-page-cache.js";

export const announceMaintenanceJob = "status.announce-maintenance";

/**
 * The `status.announce-maintenance` job (every minute): tells subscribers a window has started or
 * ended. Each announcement is claimed by compare-and-set on `start_announced_at` / `end_announced_at`
 * in the transaction that enqueues it, so a re-run, or a second process running the job at the same
 * time, announces nothing twice, and a rolled-back claim announces nothing. A window already over when
 * first seen (the job did not run through it) is announced as ended only: "started" would be news
 * about the past.
 */
export async function announceMaintenance(ctx: Context): Promise<{ started: number; ended: number }> {
  const now = ctx.clock.now();
  const nowText = now.toISOString();
  let started = 0;
  let ended = 0;
  for (const row of await listMaintenancesToAnnounce(ctx.db, nowText)) {
    const over = Date.parse(row.ends_at) <= now.getTime();
    await inTransaction(ctx, async (tx) => {
      if (row.start_announced_at === null) {
        const claimed = await claimMaintenanceAnnouncement(tx.db, row.id, "start_announced_at", nowText);
        if (claimed && !over) {
          await announceStatusChange(tx, { kind: "maintenance_started", maintenanceId: row.id });
          started += 1;
        }
      }
      if (over && (await claimMaintenanceAnnouncement(tx.db, row.id, "end_announced_at", nowText))) {
        await announceStatusChange(tx, { kind: "maintenance_ended", maintenanceId: row.id });
        ended += 1;
      }
    });
  }
  // A window starting or ending changes its components' state on the public page.
  if (started + ended > 0) statusPageChanged();
  return { started, ended };
}
