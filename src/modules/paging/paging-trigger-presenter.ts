import type { PagingTriggerRow } from "./paging-trigger-repository.js";
import { type PagingTriggerKind, pagingTriggerDescriptions } from "./paging-triggers.js";

export interface PagingTriggerView {
  id: string;
  kind: PagingTriggerKind;
  /** The occasion in words: "A Sev 1 ticket is created". */
  description: string;
  policy: { id: string; name: string };
  enabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export function presentTrigger(row: PagingTriggerRow, policyName: string): PagingTriggerView {
  const kind = row.kind as PagingTriggerKind;
  return {
    id: row.id,
    kind,
    description: pagingTriggerDescriptions[kind] ?? row.kind,
    policy: { id: row.policy_id, name: policyName },
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** `GET /paging-triggers`: the triggers, and every occasion one may be set for. */
export interface PagingTriggerListView {
  triggers: PagingTriggerView[];
  kinds: { kind: PagingTriggerKind; description: string }[];
}
