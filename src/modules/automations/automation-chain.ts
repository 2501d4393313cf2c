import type { EventActor } from "../../shared/domain-events.js";

/**
 * Loop prevention. An automation acts as the system with a reason naming it and the automations
 * whose changes led to it, newest first: `automation:<id>`, or
 * `automation:<id> after automation:<earlier id>, automation:<first id>`. An event whose actor
 * carries such a chain triggers no automation already in it (so A never retriggers A, and A→B→A
 * stops at B), and none at all once the chain is `maxChainDepth` long (A→B→C stops at C).
 */
export const maxChainDepth = 3;

const automationIdPattern = /automation:([0-9a-f-]{36})/g;

/** The automations whose changes caused an event, newest first; empty for a person's or a timer's. */
export function automationChainOf(actor: EventActor | undefined): string[] {
  if (actor?.kind !== "system") return [];
  if (!actor.reason.startsWith("automation:")) return [];
  return [...actor.reason.matchAll(automationIdPattern)].map((match) => match[1] as string);
}

export function mayTrigger(automationId: string, chain: readonly string[]): boolean {
  return chain.length < maxChainDepth && !chain.includes(automationId);
}

/** The system actor's reason for an automation's changes, carrying the chain that led to it. */
export function automationReason(automationId: string, chain: readonly string[]): string {
  const own = `automation:${automationId}`;
  return chain.length === 0 ? own : `${own} after ${chain.map((id) => `automation:${id}`).join(", ")}`;
}
