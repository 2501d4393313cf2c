import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./config.js";

describe("configuration", () => {
  it("defaults to the embedded store on port 8080", () => {
    const config = loadConfig({});
    expect(config.port).toBe(8080);
    expect(config.database).toMatchObject({ kind: "sqlite" });
    expect(config.database.kind === "sqlite" && config.database.file.endsWith("data/tend.sqlite")).toBe(true);
    expect(config.publicUrl).toBe("http://localhost:8080");
  });

  it("selects PostgreSQL from DATABASE_URL", () => {
    const config = loadConfig({ DATABASE_URL: "postgres://tend@db:5432/tend" });
    expect(config.database).toEqual({ kind: "postgres", url: "postgres://tend@db:5432/tend", poolSize: 10 });
  });

  it("stops with a message naming the bad variable", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => loadConfig({ DATABASE_URL: "mysql://x" })).toThrow(/DATABASE_URL: must be a postgres/);
    expect(() => loadConfig({ LOG_LEVEL: "loud" })).toThrow(/LOG_LEVEL/);
  });

  it("reads which proxies to trust for the client address", () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TEND_TRUST_PROXY: "true" }).trustProxy).toBe(true);
    expect(loadConfig({ TEND_TRUST_PROXY: "10.0.0.0/8, 127.0.0.1" }).trustProxy).toBe(
      "10.0.0.0/8, 127.0.0.1",
    );
    expect(() => loadConfig({ TEND_TRUST_PROXY: "everyone" })).toThrow(/TEND_TRUST_PROXY/);
  });
});
