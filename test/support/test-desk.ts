import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterAll, beforeAll } from "vitest";
import { buildApp, type TendApp } from "../../src/http/build-app.js";
import type { Actor } from "../../src/modules/identity/actor.js";
import { findGroupByName } from "../../src/modules/identity/group-repository.js";
import { issueApiToken } from "../../src/modules/identity/manage-api-tokens.js";
import { addGroupMember } from "../../src/modules/identity/manage-groups.js";
import { createOrganization } from "../../src/modules/identity/manage-organizations.js";
import { createPerson } from "../../src/modules/identity/manage-people.js";
import type { PersonView } from "../../src/modules/identity/person-presenter.js";
import { InProcessTicketChangeFeed } from "../../src/modules/tickets/ticket-change-feed.js";
import { ManualClock } from "../../src/shared/clock.js";
import type { Channel, Context } from "../../src/shared/context.js";
import { newId } from "../../src/shared/ids.js";
import { secretBoxFor } from "../../src/shared/secret-box.js";
import { createTestDatabase, type TestDatabase } from "./test-database.js";

/**
 * Everything a test file needs: its own database, a manual clock, contexts for any actor, the HTTP
 * app, and factories that build organizations and people through the real use cases.
 */
export interface TestDesk {
  database: TestDatabase;
  clock: ManualClock;
  app: TendApp;
  /** This desk's attachment store, a temp folder (what `$TEND_DATA_DIR/attachments` is in production). */
  attachmentsDir: string;
  /** The live stream's feed, shared by the app and every context here, as one process shares it. */
  changeFeed: InProcessTicketChangeFeed;
  as(actor: Actor, channel?: Channel): Context;
  system: Context;
  /** A unique suffix, so factories never collide inside one database. */
  unique(): string;
  makeOrganization(input?: {
    plan?: "self_hosted" | "managed" | "cloud" | "custom";
    stage?: "pre_sales" | "customer";
  }): Promise<{ id: string; name: string; domain: string }>;
  makeCustomer(organizationId: string | null): Promise<Person>;
  makeAgent(options?: { role?: "agent" | "admin"; group?: string; password?: string }): Promise<Person>;
  /** Signs in through the API as a browser would; `headers` carry the cookie and the CSRF token. */
  signIn(email: string, password: string): Promise<BrowserSession>;
}

export interface BrowserSession {
  cookie: string;
  csrfToken: string;
  headers: { cookie: string; "x-csrf-token": string };
}

export interface Person extends PersonView {
  actor: Actor;
  token: string;
  /** Authorization header for app.inject. */
  auth: { authorization: string };
}

const silent = pino({ level: "silent" });
/** The desk runs as a deployment that set TEND_SECRET_KEY: secrets kept for reading back are encrypted. */
const secretKey = "test desk secret key, long enough to derive from";

/**
 * `postgresServerUrl`: the desk's database goes on a server the test file started (asked once its
 * `beforeAll` has run, so register that first), not on TEST_DATABASE_URL's.
 */
export function useTestDesk(options: { postgresServerUrl?: () => string } = {}): TestDesk {
  const desk = {} as TestDesk;
  beforeAll(async () => {
    const database = options.postgresServerUrl
      ? await createTestDatabase(undefined, options.postgresServerUrl())
      : await createTestDatabase();
    const clock = new ManualClock("2026-11-23T09:00:00.000Z");
    const attachmentsDir = await mkdtemp(join(tmpdir(), "tend-attachments-"));
    const changeFeed = new InProcessTicketChangeFeed();
    const as = (actor: Actor, channel: Channel = "api"): Context => ({
      actor,
      channel,
      db: database.db,
      dialect: database.dialect,
      clock,
      logger: silent,
      secretBox: secretBoxFor(secretKey),
      attachmentsDir,
      changeFeed,
    });
    const system = as({ kind: "system", reason: "test setup" }, "cli");
    const app = await buildApp({
      database,
      logger: silent,
      clock,
      publicUrl: "http://localhost:8080",
      bodyLimitBytes: 64 * 1024,
      secretKey,
      attachmentsDir,
      changeFeed,
    });
    let counter = 0;
    const unique = () => {
      counter += 1;
      return `${newId().slice(-6)}${counter}`;
    };

    const withToken = async (person: PersonView): Promise<Person> => {
      // Tokens act with all their person's rights, as a signed-in person would.
      const { token } = await issueApiToken(system, person.id, {
        name: "test",
        scopes: person.role === "admin" ? ["write", "admin"] : ["write"],
      });
      return {
        ...person,
        actor: {
          kind: "person",
          personId: person.id,
          role: person.role,
          organizationId: person.organizationId,
        },
        token,
        auth: { authorization: `Bearer ${token}` },
      };
    };

    Object.assign(desk, {
      database,
      clock,
      app,
      attachmentsDir,
      changeFeed,
      as,
      system,
      unique,
      async makeOrganization(input = {}) {
        const suffix = unique();
        const domain = `org${suffix}.example`;
        const org = await createOrganization({
          ctx: system,
          input: {
            name: `Org ${suffix}`,
            domains: [domain],
            plan: input.plan ?? "cloud",
            stage: input.stage ?? "customer",
          },
        });
        return { id: org.id, name: org.name, domain };
      },
      async makeCustomer(organizationId: string | null) {
        const suffix = unique();
        const person = await createPerson({
          ctx: system,
          input: {
            name: `Customer ${suffix}`,
            email: `customer${suffix}@mail.example`,
            role: "customer",
            organizationId,
          },
        });
        return withToken(person);
      },
      async makeAgent(options = {}) {
        const suffix = unique();
        const person = await createPerson({
          ctx: system,
          input: {
            name: `Agent ${suffix}`,
            email: `agent${suffix}@support.example`,
            role: options.role ?? "agent",
            ...(options.password ? { password: options.password } : {}),
          },
        });
        const group = await findGroupByName(database.db, options.group ?? "Tier 1");
        if (group) await addGroupMember({ ctx: system, groupId: group.id, personId: person.id });
        return withToken(person);
      },
      async signIn(email: string, password: string) {
        const login = await app.inject({
          method: "POST",
          url: "/api/v1/auth/login",
          payload: { email, password },
        });
        const session = login.cookies.find((c) => c.name === "tend_session");
        if (login.statusCode !== 200 || !session) throw new Error(`sign-in failed: ${login.body}`);
        const cookie = `tend_session=${session.value}`;
        const { csrfToken } = login.json() as { csrfToken: string };
        return { cookie, csrfToken, headers: { cookie, "x-csrf-token": csrfToken } };
      },
    } satisfies Partial<TestDesk>);
  });
  afterAll(async () => {
    await desk.app?.close();
    await desk.database?.drop();
    if (desk.attachmentsDir) await rm(desk.attachmentsDir, { recursive: true, force: true });
  });
  return desk;
}
