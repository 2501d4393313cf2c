import type { Context } from "../../shared/context.js";
import { inTransaction } from "../../shared/context.js";
import { requireAdmin } from "../identity/identity-policy.js";
import { createPerson } from "../identity/manage-people.js";
import { findPersonByEmail } from "../identity/person-repository.js";
import { findCalendarByName } from "../sla/calendar-repository.js";
import { defaultCalendars } from "../sla/default-policies.js";
import { claimDefaultsInstallation, findSettingsRow, updateSettingsRow } from "./health-repository.js";
import { answerNotKnownYetReply, createSavedReply } from "./manage-saved-replies.js";
import { savedReplyNameTaken } from "./saved-reply-repository.js";

/**
 * Who signs the automatic acknowledgement. Comments need an author, and the words are the desk's, not
 * any one agent's nor the requester's. A person with role "agent" is what the ticket timeline, the SLA
 * facts ("a reply from our side") and the comment API already understand; it has no password and no
 * group, so it cannot sign in or be routed work, and the reserved `.invalid` domain (RFC 2606) means no
 * mail is ever sent to it. Tend marks its own comments with the "system" channel, which is what keeps
 * them from counting as anyone's response. Admins may name a real agent instead in the settings.
 */
export const deskPerson = { name: "Support team", email: "support-desk@tend.invalid" } as const;

export interface HealthDefaultsInstalled {
  installed: boolean;
  calendarId: string | null;
  savedReplies: number;
}

/**
 * Fills in the ticket health settings on first start, once: the Los Angeles support-hours calendar (when
 * the SLA defaults installed it), the desk person who signs acknowledgements, and the "answer not known
 * yet" saved reply. Run after `installDefaultPolicies`. Later starts find the marker set and change
 * nothing, so an admin's choices (even "no calendar", or deleting the saved reply) stay.
 */
export async function installHealthDefaults(ctx: Context): Promise<HealthDefaultsInstalled> {
  requireAdmin(ctx.actor);
  const nothing: HealthDefaultsInstalled = { installed: false, calendarId: null, savedReplies: 0 };
  if ((await findSettingsRow(ctx.db)).defaults_installed_at !== null) return nothing;
  try {
    return await inTransaction(ctx, async (tx) => {
      const now = tx.clock.now().toISOString();
      if (!(await claimDefaultsInstallation(tx.db, now))) return nothing;
      const settings = await findSettingsRow(tx.db);
      const calendarId =
        settings.calendar_id ??
        (await findCalendarByName(tx.db, defaultCalendars.losAngeles.name))?.id ??
        null;
      const authorId = settings.closed_ack_author_id ?? (await deskPersonId(tx));
      await updateSettingsRow(tx.db, {
        calendar_id: calendarId,
        closed_ack_author_id: authorId,
        updated_at: now,
      });
      let savedReplies = 0;
      if (!(await savedReplyNameTaken(tx.db, answerNotKnownYetReply.name, null))) {
        await createSavedReply({ ctx: tx, input: answerNotKnownYetReply });
        savedReplies = 1;
      }
      if (calendarId === null) {
        tx.logger.warn(
          { calendar: defaultCalendars.losAngeles.name },
          "no support calendar for the ticket health rules; they stay inert until one is set",
        );
      }
      return { installed: true, calendarId, savedReplies };
    });
  } catch (error) {
    if ((await findSettingsRow(ctx.db)).defaults_installed_at !== null) return nothing;
    throw error;
  }
}

async function deskPersonId(ctx: Context): Promise<string | null> {
  const existing = await findPersonByEmail(ctx.db, deskPerson.email);
  if (existing) return existing.role === "customer" ? null : existing.id;
  const person = await createPerson({ ctx, input: { ...deskPerson, role: "agent" } });
  return person.id;
}
