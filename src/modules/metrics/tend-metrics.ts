import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";
import type { Db } from "../../db/database.js";
import { type Clock, systemClock } from "../../shared/clock.js";
import type { InboundSpool } from "../email/inbound-spool.js";
import {
  countInboundEmailsByStatus,
  countJobsByStatusKind,
  countSlaClocksByStateMetric,
  countTicketsByStatusGroupSeverity,
  groupNamesById,
} from "./metrics-repository.js";

/** Why the SMTP listener refused a message or a recipient, as the `reason` label says it. */
export type InboundMailRefusal =
  | "unknown_recipient"
  | "too_many_recipients"
  | "sender_rate_limit"
  | "too_large"
  | "store_failed"
  | "storage_full";

/** What the SMTP listener reports; absent, it reports nothing. */
export interface InboundMailObserver {
  accepted(outcome: { duplicate: boolean }): void;
  refused(reason: InboundMailRefusal): void;
}

/**
 * One Prometheus registry per Tend instance (never prom-client's global one, so several apps in one
 * test process keep their own figures). Gauges read the database when scraped, so they are the
 * desk's, whichever process answers; counters and the latency histogram count what this process saw.
 */
export class TendMetrics {
  readonly registry = new Registry();
  readonly inboundMail: InboundMailObserver;
  private readonly requestDuration: Histogram<"method" | "route" | "status_class">;

  constructor(db: Db, options: { inboundSpool?: InboundSpool; clock?: Clock } = {}) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });

    const tickets = new Gauge({
      name: "tend_tickets",
      help: "Tickets not yet closed, by status, group (name, or none) and severity",
      labelNames: ["status", "group", "severity"] as const,
      registers,
      async collect() {
        const [counts, groupNames] = await Promise.all([
          countTicketsByStatusGroupSeverity(db),
          groupNamesById(db),
        ]);
        tickets.reset();
        for (const { status, groupId, severity, count } of counts) {
          const group = groupId === null ? "none" : (groupNames.get(groupId) ?? groupId);
          tickets.inc({ status, group, severity }, count);
        }
      },
    });

    const slaClocks = new Gauge({
      name: "tend_sla_clocks",
      help: "SLA clocks running, paused or breached, by metric",
      labelNames: ["state", "metric"] as const,
      registers,
      async collect() {
        const counts = await countSlaClocksByStateMetric(db);
        slaClocks.reset();
        for (const { state, metric, count } of counts) slaClocks.set({ state, metric }, count);
      },
    });

    const jobs = new Gauge({
      name: "tend_jobs",
      help: "Durable jobs queued, running or failed, by kind",
      labelNames: ["status", "kind"] as const,
      registers,
      async collect() {
        const counts = await countJobsByStatusKind(db);
        jobs.reset();
        for (const { status, kind, count } of counts) jobs.set({ status, kind }, count);
      },
    });

    const storedMail = new Gauge({
      name: "tend_inbound_emails_stored",
      help: "Stored inbound mail by processing outcome (received, processed, failed, ignored), within raw-mail retention",
      labelNames: ["status"] as const,
      registers,
      async collect() {
        const counts = await countInboundEmailsByStatus(db);
        storedMail.reset();
        for (const { status, count } of counts) storedMail.set({ status }, count);
      },
    });

    const { inboundSpool } = options;
    if (inboundSpool) {
      const clock = options.clock ?? systemClock;
      // Mail the SMTP listener accepted on SQLite waits there for a worker: one that grows, or
      // whose oldest message ages past seconds, means no worker is moving it into the database.
      // One read of the spool a scrape sets both gauges: prom-client calls each metric's collect in
      // registration order as a scrape starts, so the oldest-message gauge is set before it is read.
      const oldestSpooled = new Gauge({
        name: "tend_inbound_mail_spooled_oldest_seconds",
        help: "Seconds the oldest message has waited in the SQLite inbound spool (0 when it is empty)",
        registers: [],
      });
      const spooled = new Gauge({
        name: "tend_inbound_mail_spooled",
        help: "Accepted mail waiting in this machine's SQLite inbound spool for a worker to move it into the database",
        registers,
        collect() {
          const { messages, oldestReceivedAt } = inboundSpool.waiting();
          spooled.set(messages);
          oldestSpooled.set(
            oldestReceivedAt ? Math.max(0, (clock.now().getTime() - Date.parse(oldestReceivedAt)) / 1000) : 0,
          );
        },
      });
      this.registry.registerMetric(oldestSpooled);
    }

    const accepted = new Counter({
      name: "tend_inbound_mail_accepted_total",
      help: "Messages this process's SMTP listener answered 250 (duplicate: already stored)",
      labelNames: ["duplicate"] as const,
      registers,
    });
    const refused = new Counter({
      name: "tend_inbound_mail_rejected_total",
      help: "Messages or recipients this process's SMTP listener refused, by reason",
      labelNames: ["reason"] as const,
      registers,
    });
    this.inboundMail = {
      accepted: ({ duplicate }) => accepted.inc({ duplicate: String(duplicate) }),
      refused: (reason) => refused.inc({ reason }),
    };

    this.requestDuration = new Histogram({
      name: "tend_http_request_duration_seconds",
      help: "HTTP request duration in this process, by method, route pattern and status class",
      labelNames: ["method", "route", "status_class"] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
  }

  /** `route` is the pattern (`/api/v1/tickets/:number`), never the URL: ids would make a series each. */
  observeRequest(request: {
    method: string;
    route: string | undefined;
    statusCode: number;
    seconds: number;
  }) {
    this.requestDuration.observe(
      {
        method: request.method,
        route: request.route ?? "unmatched",
        status_class: `${Math.floor(request.statusCode / 100)}xx`,
      },
      request.seconds,
    );
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
