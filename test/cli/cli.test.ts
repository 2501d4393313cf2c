import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/http/build-app.js";
import { systemClock } from "../../src/shared/clock.js";
import { useCliDesk } from "../support/cli-desk.js";

const cli = useCliDesk();
const tend = (...args: string[]) => cli.tend(...args);

// Each test runs the CLI in child processes: slow on a loaded two-core machine.
describe("the tend CLI", { timeout: 120_000 }, () => {
  it("migrates, creates an admin with a one-time password, and issues a working token", async () => {
    expect((await tend("migrate")).stdout).toContain("Database is up to date.");

    const admin = await tend("admin", "create", "--email", "ops@tend.example", "--name", "Ops Admin");
    expect(admin.stdout).toMatch(/Created admin Ops Admin <ops@tend\.example>/);
    expect(admin.stdout).toMatch(/One-time password: \S{20}/);

    const token = (await tend("token", "create", "--email", "ops@tend.example")).stdout.trim();
    expect(token).toMatch(/^tend_/);
    const app = await buildApp({
      database: cli.database,
      logger: pino({ level: "silent" }),
      clock: systemClock,
      publicUrl: "http://localhost:8080",
      bodyLimitBytes: 1024 * 1024,
    });
    const me = await app.inject({ url: "/api/v1/me", headers: { authorization: `Bearer ${token}` } });
    await app.close();
    expect(me.json()).toMatchObject({ email: "ops@tend.example", role: "admin" });
  });

  it("issues a token with scopes and an expiry, and refuses an unknown scope", async () => {
    const scoped = (
      await tend(
        "token",
        "create",
        "--email",
        "ops@tend.example",
        "--scopes",
        "read,admin",
        "--expires-in-days",
        "30",
      )
    ).stdout.trim();
    const app = await buildApp({
      database: cli.database,
      logger: pino({ level: "silent" }),
      clock: systemClock,
      publicUrl: "http://localhost:8080",
      bodyLimitBytes: 1024 * 1024,
    });
    const tokens = await app.inject({
      url: "/api/v1/tokens",
      headers: { authorization: `Bearer ${scoped}` },
    });
    await app.close();
    // The first test's token took the default scope; this one reads and administers, for 30 days.
    expect(tokens.json()).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ scopes: ["write"], expiresAt: null }),
        expect.objectContaining({ scopes: ["read", "admin"], expiresAt: expect.any(String) }),
      ]),
    );
    await expect(
      tend("token", "create", "--email", "ops@tend.example", "--scopes", "root"),
    ).rejects.toMatchObject({ stderr: expect.stringContaining('unknown scope "root"') });
  });

  it("refuses a bad setting naming the variable, and an unknown person", async () => {
    await expect(cli.tendWith({ PORT: "eighty" }, "migrate")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("PORT"),
    });
    await expect(tend("token", "create", "--email", "nobody@tend.example")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("no person with email nobody@tend.example"),
    });
  });

  it("explains a demo ticket's clocks and round-trips the SLA configuration through a file", async () => {
    await tend("demo", "--tickets", "12", "--seed", "7");
    const explained = (await tend("sla", "explain", "1001")).stdout;
    expect(explained).toContain("Internal first-response target — first_response");
    expect(explained).toMatch(/Started \d{4}-\d{2}-\d{2}/);

    const file = join(mkdtempSync(join(tmpdir(), "tend-sla-")), "sla.json");
    expect((await tend("sla", "export", "--file", file)).stdout).toContain(`Wrote ${file}.`);
    const exported = JSON.parse(readFileSync(file, "utf8"));
    expect(exported.policies.map((p: { name: string }) => p.name)).toEqual([
      "Contract SLA",
      "Internal first-response target",
      "Communication priority",
    ]);
    exported.policies[1].description = "Answer within the hour.";
    writeFileSync(file, JSON.stringify(exported));
    expect((await tend("sla", "import", file)).stdout).toContain("Policies: 0 created, 3 updated.");

    exported.policies[1].targets[0].durationMs = -5;
    writeFileSync(file, JSON.stringify(exported));
    await expect(tend("sla", "import", file)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("/policies/1/targets/0/durationMs"),
    });
    await expect(tend("sla", "explain", "999999")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("No ticket #999999."),
    });
  });
});
