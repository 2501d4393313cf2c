import type { Context } from "../../shared/context.js";
import { requirePerson, requireStaff } from "../identity/identity-policy.js";
import { hasOptedOut, setOptedOut } from "./staff-notice-repository.js";

export interface NotificationSettings {
  /** Mail me when a ticket is assigned to me, or when the requester of one of mine replies. */
  emailNotices: boolean;
}

export async function getNotificationSettings(ctx: Context): Promise<NotificationSettings> {
  requireStaff(ctx.actor);
  const me = requirePerson(ctx.actor);
  return { emailNotices: !(await hasOptedOut(ctx.db, me.personId)) };
}

export async function changeNotificationSettings(
  ctx: Context,
  settings: NotificationSettings,
): Promise<NotificationSettings> {
  requireStaff(ctx.actor);
  const me = requirePerson(ctx.actor);
  await setOptedOut(ctx.db, me.personId, !settings.emailNotices, ctx.clock.now().toISOString());
  return settings;
}
