import { enqueueJob } from "../../jobs/job-runner.js";
import type { Context } from "../../shared/context.js";
import { publishDomainEvent } from "../../shared/domain-events.js";

export const announceStatusChangeJob = "status.announce";

/**
 * What subscribers are told of. Incidents are announced only once published (a security incident is private
 * until someone publishes it); `update` is a public update, with its id, so the announcement quotes it.
 */
export type StatusAnnouncement =
  | { kind: "incident_opened"; incidentId: string }
  | { kind: "incident_updated"; incidentId: string; updateId: string }
  | { kind: "maintenance_scheduled"; maintenanceId: string }
  | { kind: "maintenance_started"; maintenanceId: string }
  | { kind: "maintenance_ended"; maintenanceId: string }
  | { kind: "maintenance_cancelled"; maintenanceId: string };

/**
 * Called in the transaction of the change announced: the domain event, and one `status.announce` job that
 * fans out to the subscribers when it runs — a request never waits on mail or webhooks, and a change that
 * rolls back announces nothing.
 */
export async function announceStatusChange(ctx: Context, announcement: StatusAnnouncement): Promise<void> {
  await publishDomainEvent(ctx, `status.${announcement.kind}`, null, { ...announcement });
  await enqueueJob(ctx, announceStatusChangeJob, announcement);
}
