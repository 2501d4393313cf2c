import { sql } from "kysely";
import { loadConfig } from "../src/config.js";
import { createTend } from "../src/main.js";
import { seedDesk } from "../src/modules/demo/seed-desk.js";
import { issueApiToken } from "../src/modules/identity/manage-api-tokens.js";
import { createPerson } from "../src/modules/identity/manage-people.js";
import type { BenchDatabase } from "./bench-database.js";
import type { LoadSettings } from "./http-load.js";
import { measureTicketCreation } from "./measure-ticket-creation.js";
import { type ListSampling, measureTicketLists } from "./measure-ticket-lists.js";
import { measureWorkspaceRender } from "./measure-workspace-render.js";
import { type Figure, formatCount, printFigure, type RecordFigure } from "./report.js";

export interface DialectSettings extends ListSampling {
  tickets: number;
  /** Browser loads of the workspace's ticket list. */
  renderSamples: number;
  load: LoadSettings;
}

/**
 * Seeds a fresh database, measures queues and search in-process, then, with the database closed,
 * ticket creation over HTTP from a server process of its own.
 */
export async function measureDialect(database: BenchDatabase, settings: DialectSettings): Promise<Figure[]> {
  const figures: Figure[] = [];
  const record: RecordFigure = (figure) => {
    const complete = { section: database.dialect, ...figure };
    printFigure(complete);
    figures.push(complete);
  };
  console.log(`\n== ${database.dialect}`);

  // The lists are measured through the web role's app, with its pool.
  const tend = await createTend(loadConfig({ ...database.environment, LOG_LEVEL: "silent" }), {
    roles: ["web"],
  });
  let credentials: { adminToken: string; requesterId: string };
  try {
    const desk = await seedDesk(tend.database.db, tend.database.dialect, { tickets: settings.tickets });
    record({ name: `seed ${formatCount(desk.tickets)} tickets`, value: desk.seconds, unit: "s" });
    if (tend.database.dialect === "postgres") {
      // Autovacuum analyzes a freshly loaded table within a minute or so; without statistics the
      // planner would plan for empty tables. Tend never runs ANALYZE on SQLite, so neither does the bench.
      await sql`ANALYZE`.execute(tend.database.db);
    }
    const admin = await createPerson({
      ctx: tend.context(),
      input: { name: "Bench Admin", email: "admin@tend.bench", role: "admin" },
    });
    credentials = {
      adminToken: (
        await issueApiToken(tend.context(), admin.id, {
          name: "bench ticket creation",
          scopes: ["write", "admin"],
        })
      ).token,
      requesterId: desk.customerId,
    };
    await measureTicketLists(tend, database, desk, settings, { queueMs: 10, searchMs: 50 }, record);
    await measureWorkspaceRender(tend, desk, record, { samples: settings.renderSamples });
  } finally {
    await tend.stop();
  }
  await measureTicketCreation(database, credentials, settings.load, record);
  return figures;
}
