import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { loadConfig } from "../../src/config.js";
import { createTend, startRoles, type Tend } from "../../src/main.js";
import { systemActor } from "../../src/modules/identity/actor.js";
import { findGroupByName } from "../../src/modules/identity/group-repository.js";
import { addGroupMember } from "../../src/modules/identity/manage-groups.js";
import { createOrganization } from "../../src/modules/identity/manage-organizations.js";
import { createPerson } from "../../src/modules/identity/manage-people.js";
import { buildOnce } from "../../test/support/build-once.js";
import { createTestDatabase, type TestDatabase } from "../../test/support/test-database.js";

/** The password the journeys' staff sign in with. */
export const staffPassword = "lantern orbit cactus 42";

/** Ada Admin (ada@support.example), an admin in Tier 1, signing in with `staffPassword`; her id. */
export function makeAda(desk: E2eDesk): Promise<string> {
  return desk.makeStaff({
    name: "Ada Admin",
    email: "ada@support.example",
    password: staffPassword,
    group: "Tier 1",
    role: "admin",
  });
}

/** Sam Agent (sam@support.example), an agent in Tier 1, signing in with `staffPassword`; his id. */
export function makeSam(desk: E2eDesk): Promise<string> {
  return desk.makeStaff({
    name: "Sam Agent",
    email: "sam@support.example",
    password: staffPassword,
    group: "Tier 1",
  });
}

/** Nora Customer (nora@northwind.example), of Northwind on the cloud plan; her id. */
export function makeNora(desk: E2eDesk): Promise<string> {
  return desk.makeCustomer({
    organization: "Northwind",
    domain: "northwind.example",
    name: "Nora Customer",
    email: "nora@northwind.example",
  });
}

/** Polls a reading until the assertion holds: the page updates after the API answers. */
export const eventually = <T>(read: () => Promise<T>) => expect.poll(read, { timeout: 10_000 });

/**
 * A real Tend, started the way `tend serve` starts it (migrations, SLA and health defaults, the
 * `web` role on a free port), on a fresh database of the dialect under test.
 */
export interface E2eDesk {
  tend: Tend;
  url: string;
  stop(): Promise<void>;
  /** A staff member (an agent unless `role` says admin) with a password, in `group`. */
  makeStaff(input: {
    name: string;
    email: string;
    password: string;
    group: string;
    role?: "agent" | "admin";
  }): Promise<string>;
  /**
   * A customer in a new organization on the cloud plan, with a password when given (customers
   * may sign in with one instead of an emailed link); returns the customer's person id.
   */
  makeCustomer(input: {
    organization: string;
    domain: string;
    name: string;
    email: string;
    stage?: "pre_sales" | "customer";
    password?: string;
  }): Promise<string>;
}

export async function startE2eDesk(): Promise<E2eDesk> {
  // The web app it serves is dist/web, built when web/ changed, under the lock the CLI tests share.
  buildOnce();
  const database: TestDatabase = await createTestDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), "tend-e2e-"));
  const config = loadConfig({
    TEND_DATA_DIR: dataDir,
    ...(database.target.kind === "postgres" ? { DATABASE_URL: database.target.url } : {}),
    PORT: "0",
    HOST: "127.0.0.1",
    LOG_LEVEL: "warn",
  });
  // The test database's SQLite file is the one the desk opens.
  const tend = await createTend(
    database.target.kind === "sqlite" ? { ...config, database: database.target } : config,
    { roles: ["web"] },
  );
  await startRoles(tend, ["web"]);
  const address = tend.app?.server.address();
  if (!address || typeof address === "string") throw new Error("the web role did not listen");
  return {
    tend,
    url: `http://127.0.0.1:${address.port}`,
    async stop() {
      await tend.stop();
      await database.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
    async makeStaff({ name, email, password, group, role = "agent" }) {
      const ctx = tend.context(systemActor("e2e setup"));
      const person = await createPerson({ ctx, input: { name, email, role, password } });
      const found = await findGroupByName(tend.database.db, group);
      if (!found) throw new Error(`no group ${group}`);
      await addGroupMember({ ctx, groupId: found.id, personId: person.id });
      return person.id;
    },
    async makeCustomer({ organization, domain, name, email, stage = "customer", password }) {
      const ctx = tend.context(systemActor("e2e setup"));
      const created = await createOrganization({
        ctx,
        input: { name: organization, domains: [domain], plan: "cloud", stage },
      });
      const person = await createPerson({
        ctx,
        input: {
          name,
          email,
          role: "customer",
          organizationId: created.id,
          ...(password ? { password } : {}),
        },
      });
      return person.id;
    },
  };
}
