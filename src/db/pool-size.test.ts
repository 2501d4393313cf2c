import { describe, expect, it } from "vitest";
import { poolSizeFor, replicaPoolSizeFor } from "./pool-size.js";

describe("poolSizeFor", () => {
  it("gives every role what it can use at once", () => {
    expect(poolSizeFor({ roles: ["web"], workerConcurrency: 4 })).toBe(10);
    expect(poolSizeFor({ roles: ["worker"], workerConcurrency: 4 })).toBe(5);
    expect(poolSizeFor({ roles: ["worker"], workerConcurrency: 16 })).toBe(17);
    expect(poolSizeFor({ roles: ["smtp"], workerConcurrency: 4 })).toBe(4);
    expect(poolSizeFor({ roles: ["scheduler"], workerConcurrency: 4 })).toBe(1);
  });

  it("adds the roles of a process together", () => {
    expect(poolSizeFor({ roles: ["web", "worker", "scheduler", "smtp"], workerConcurrency: 4 })).toBe(20);
    expect(poolSizeFor({ roles: ["smtp", "worker"], workerConcurrency: 2 })).toBe(7);
  });

  it("keeps two for a command that serves no role", () => {
    expect(poolSizeFor({ roles: [], workerConcurrency: 4 })).toBe(2);
  });

  it("lets the operator's figure win", () => {
    expect(poolSizeFor({ roles: ["web", "worker"], workerConcurrency: 4, configured: 3 })).toBe(3);
    expect(poolSizeFor({ roles: [], workerConcurrency: 4, configured: 30 })).toBe(30);
  });
});

describe("replicaPoolSizeFor", () => {
  it("opens replica connections only where lists and reports are served", () => {
    expect(replicaPoolSizeFor(["web", "worker"])).toBe(10);
    expect(replicaPoolSizeFor(["worker", "smtp", "scheduler"])).toBe(0);
    expect(replicaPoolSizeFor(["web"], 5)).toBe(5);
    expect(replicaPoolSizeFor(["worker"], 5)).toBe(0);
  });
});
