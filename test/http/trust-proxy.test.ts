import pino from "pino";
import { describe, expect, it } from "vitest";
import { buildApp } from "../../src/http/build-app.js";
import { useTestDesk } from "../support/test-desk.js";

/** The client address Tend records and limits by: the connection's, or the one a trusted proxy forwards. */
const desk = useTestDesk();

async function failedSignInFrom(trustProxy: boolean | string, forwardedFor: string): Promise<string | null> {
  const app = await buildApp({
    database: desk.database,
    logger: pino({ level: "silent" }),
    clock: desk.clock,
    publicUrl: "http://localhost:8080",
    bodyLimitBytes: 64 * 1024,
    trustProxy,
  });
  const email = `nobody${desk.unique()}@example.com`;
  const response = await app.inject({
    method: "POST",
    url: "/api/v1/auth/login",
    headers: { "x-forwarded-for": forwardedFor },
    payload: { email, password: "not the password at all" },
  });
  await app.close();
  expect(response.statusCode).toBe(401);
  const record = await desk.database.db
    .selectFrom("audit_log")
    .select("ip")
    .where("action", "=", "auth.sign_in_failed")
    .orderBy("seq", "desc")
    .executeTakeFirstOrThrow();
  return record.ip;
}

describe("the client address behind a reverse proxy", () => {
  it("ignores X-Forwarded-For unless the proxy is trusted", async () => {
    expect(await failedSignInFrom(false, "203.0.113.7")).toBe("127.0.0.1");
    expect(await failedSignInFrom("127.0.0.1", "203.0.113.7")).toBe("203.0.113.7");
    expect(await failedSignInFrom("10.0.0.0/8", "203.0.113.7")).toBe("127.0.0.1");
  });
});
