import { ConflictError } from "../../errors.js";

/** Something of the desk's that still counts on a person, with each way it does, in a manager's words. */
export interface StillCountsOn {
  id: string;
  name: string;
  duties: string[];
}

/**
 * The 409 an erasure contributor throws while the desk still counts on the person somewhere (a
 * schedule, an escalation policy): erasing would silently change who covers or who is paged, so
 * the manager edits that first, audited, and the erasure goes through after. One wording for all:
 * `detail` names each holder with its duties, and `current.<holders>` lists them for programs.
 */
export function stillCountedOnRefusal(
  personName: string,
  refusal: {
    /** How the person still stands there: "is still on call in". */
    standing: string;
    /** The holder's noun, singular and plural: ["schedule", "schedules"]. */
    noun: readonly [string, string];
    /** The problem member listing the holders: "schedules". */
    member: string;
    /** What else to undo, if anything: "(and delete their overrides and swaps ahead)". */
    alsoUndo?: string;
  },
  holders: readonly StillCountsOn[],
): ConflictError {
  const named = holders.map((holder) => `"${holder.name}" (${holder.duties.join(", ")})`).join("; ");
  const which = holders.length === 1 ? `that ${refusal.noun[0]}` : `those ${refusal.noun[1]}`;
  return new ConflictError(
    `${personName} ${refusal.standing} ${named}: take them off ${which}${refusal.alsoUndo ? ` ${refusal.alsoUndo}` : ""} before erasing them.`,
    { [refusal.member]: holders },
  );
}
