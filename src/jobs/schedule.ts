import { scanTicketHealth } from "../modules/health/scan-ticket-health.js";
import { scanSlaClocks } from "../modules/sla/sla-scan.js";
import { autoCloseSolvedTickets, autoSolvePendingTickets } from "../modules/tickets/lifecycle-rules.js";
import { MINUTE, SECOND } from "../shared/clock.js";
import type { JobRunner } from "./job-runner.js";

/** Every job kind Tend runs, and the recurring ones with their intervals. A new timer goes here. */
export function registerJobs(runner: JobRunner): JobRunner {
  return (
    runner
      .register("tickets.auto-solve-pending", async (ctx) => {
        const solved = await autoSolvePendingTickets(ctx);
        if (solved > 0) ctx.logger.info({ solved }, "pending tickets solved after 5 days of silence");
      })
      .register("tickets.auto-close-solved", async (ctx) => {
        const closed = await autoCloseSolvedTickets(ctx);
        if (closed > 0) ctx.logger.info({ closed }, "solved tickets closed after 4 days");
      })
      .register("sla.scan", async (ctx) => {
        const { recomputed, warned } = await scanSlaClocks(ctx);
        if (recomputed + warned > 0) ctx.logger.info({ recomputed, warned }, "SLA clocks fell due");
      })
      .register("tickets.health-scan", async (ctx) => {
        const { raised, cleared } = await scanTicketHealth(ctx);
        if (raised + cleared > 0) ctx.logger.info({ raised, cleared }, "ticket health flags changed");
      })
      // Breaches and warnings land within this interval of their instant.
      .every({ name: "sla.scan", kind: "sla.scan", intervalMs: 15 * SECOND })
      .every({ name: "tickets.auto-solve-pending", kind: "tickets.auto-solve-pending", intervalMs: MINUTE })
      .every({ name: "tickets.auto-close-solved", kind: "tickets.auto-close-solved", intervalMs: MINUTE })
      // Health flags go up within a minute of the deadline they mark.
      .every({ name: "tickets.health-scan", kind: "tickets.health-scan", intervalMs: MINUTE })
  );
}
