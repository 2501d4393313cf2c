import type { Db } from "../src/db/database.js";
import { MINUTE } from "../src/shared/clock.js";

export interface BenchComponent {
  id: string;
  groupName: string;
  name: string;
  description: string;
  /** The push monitor that feeds it. */
  monitorId: string;
}

/**
 * Components as the status benches read them: each fed by one push monitor whose latest result,
 * "up" 20 s before `now`, is still an open span that a read adds up to now.
 */
export async function insertPushMonitoredComponents(
  db: Db,
  components: readonly BenchComponent[],
  now: number,
  createdAt: string,
): Promise<void> {
  await db
    .insertInto("status_components")
    .values(
      components.map((component, n) => ({
        id: component.id,
        group_name: component.groupName,
        name: component.name,
        description: component.description,
        position: n,
        manual_state: null,
        uptime_target: 0.995,
        created_at: createdAt,
        updated_at: createdAt,
      })),
    )
    .execute();
  await db
    .insertInto("status_monitors")
    .values(
      components.map((component) => ({
        id: component.monitorId,
        component_id: component.id,
        name: "Push probe",
        kind: "push",
        probe: null,
        interval_ms: MINUTE,
        enabled: 1,
        push_token_hash: null,
        last_result_at: now - 20_000,
        last_result_up: 1,
        created_at: createdAt,
        updated_at: createdAt,
      })),
    )
    .execute();
}
