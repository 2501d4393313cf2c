import type { Context } from "../../shared/context.js";
import { inTransaction } from "../../shared/context.js";
import { calendarPresets } from "../calendar/index.js";
import { requireAdmin } from "../identity/identity-policy.js";
import { countCalendars } from "./calendar-repository.js";
import { createCalendar } from "./manage-calendars.js";
import { createPolicy } from "./manage-policies.js";
import { countPolicies } from "./policy-repository.js";
import type { CalendarDefinitionInput } from "./sla-schemas.js";

const HOUR_MS = 60 * 60 * 1000;
/** A business day is one day of support hours: 09:00–17:00. */
const BUSINESS_DAY_MS = 8 * HOUR_MS;

/** Preset definitions are frozen; the stored copy must be a plain, editable one. */
function plainCopy(definition: object): CalendarDefinitionInput {
  return JSON.parse(JSON.stringify(definition)) as CalendarDefinitionInput;
}

export const defaultCalendars = {
  losAngeles: {
    name: "Support hours — Los Angeles",
    definition: plainCopy({ ...calendarPresets["us-pacific-business"], holidays: ["preset:US"] }),
  },
  newYork: {
    name: "Support hours — New York",
    definition: plainCopy(calendarPresets["us-eastern-business"]),
  },
  extendedUtc: {
    name: "Extended hours — UTC",
    definition: plainCopy(calendarPresets["utc-extended"]),
  },
} as const;

export interface DefaultsInstalled {
  installed: boolean;
  calendars: number;
  policies: number;
}

/**
 * Installs the promises a new desk starts with, once: on a desk that already has any policy or calendar
 * it does nothing, so an admin's edits and deletions stay. Run at start-up by every web process; when two
 * start together on PostgreSQL the loser's insert fails on the unique names, and it reports "already
 * installed".
 */
export async function installDefaultPolicies(ctx: Context): Promise<DefaultsInstalled> {
  requireAdmin(ctx.actor);
  const nothing = { installed: false, calendars: 0, policies: 0 };
  if (await deskHasSlaConfiguration(ctx)) return nothing;
  try {
    return await inTransaction(ctx, async (tx) => {
      if (await deskHasSlaConfiguration(tx)) return nothing;
      const losAngeles = await createCalendar({ ctx: tx, input: defaultCalendars.losAngeles });
      const newYork = await createCalendar({ ctx: tx, input: defaultCalendars.newYork });
      const extendedUtc = await createCalendar({ ctx: tx, input: defaultCalendars.extendedUtc });

      await createPolicy({
        ctx: tx,
        input: {
          name: "Contract SLA",
          description:
            "What support contracts promise self-hosted, managed and cloud customers. Sev 1: first response " +
            "within 24 hours and resolution (or a workaround) within 72 hours, around the clock. Sev 2: first " +
            "response within one business week (5 business days of 8 hours, Los Angeles support hours).",
          conditions: { plans: ["self_hosted", "managed", "cloud"] },
          targets: [
            target("first_response", 24 * HOUR_MS, null, ["sev1"]),
            target("resolution", 72 * HOUR_MS, null, ["sev1"]),
            target("first_response", 5 * BUSINESS_DAY_MS, losAngeles.id, ["sev2"]),
          ],
        },
      });
      await createPolicy({
        ctx: tx,
        input: {
          name: "Internal first-response target",
          description:
            "Our own goal for every ticket: a first response within one business hour on extended UTC hours. " +
            "At equal urgency, tickets from pre-sales organizations sort first in the queues.",
          targets: [target("first_response", HOUR_MS, extendedUtc.id)],
        },
      });
      await createPolicy({
        ctx: tx,
        input: {
          name: "Communication priority",
          description:
            "How soon we answer, by category, on New York support hours (a business day is 8 hours): " +
            "availability within 3 business hours, provisioning within 2 business days, anything else " +
            "within 5 business days.",
          targets: [
            target("first_response", 3 * HOUR_MS, newYork.id, undefined, ["availability"]),
            target("first_response", 2 * BUSINESS_DAY_MS, newYork.id, undefined, ["provisioning"]),
            target("first_response", 5 * BUSINESS_DAY_MS, newYork.id, undefined, ["other"]),
          ],
        },
      });
      tx.logger.info({ calendars: 3, policies: 3 }, "default SLA calendars and policies installed");
      return { installed: true, calendars: 3, policies: 3 };
    });
  } catch (error) {
    if (await deskHasSlaConfiguration(ctx)) return nothing;
    throw error;
  }
}

async function deskHasSlaConfiguration(ctx: Context): Promise<boolean> {
  return (await countPolicies(ctx.db)) > 0 || (await countCalendars(ctx.db)) > 0;
}

function target(
  metric: "first_response" | "resolution",
  durationMs: number,
  calendarId: string | null,
  severities?: string[],
  categories?: string[],
) {
  return {
    metric,
    durationMs,
    calendarId,
    pauseWhilePending: true,
    warnAtShare: 0.75,
    ...(severities || categories
      ? { conditions: { ...(severities ? { severities } : {}), ...(categories ? { categories } : {}) } }
      : {}),
  };
}
