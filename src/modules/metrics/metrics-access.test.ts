import { describe, expect, it } from "vitest";
import { isLoopbackAddress, metricsAccess } from "./metrics-access.js";

const token = "m".repeat(40);

describe("who may scrape /metrics", () => {
  it("knows loopback addresses, IPv4 mapped into IPv6 included", () => {
    for (const address of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) {
      expect(isLoopbackAddress(address), address).toBe(true);
    }
    for (const address of ["10.0.0.1", "::ffff:10.0.0.1", "128.0.0.1", "::2", "1127.0.0.1", "fe80::1"]) {
      expect(isLoopbackAddress(address), address).toBe(false);
    }
  });

  it("without a configured token serves loopback only, refusing others with 403", () => {
    expect(
      metricsAccess({ configuredToken: null, authorization: undefined, clientAddress: "127.0.0.1" }),
    ).toEqual({
      allowed: true,
    });
    expect(
      metricsAccess({
        configuredToken: null,
        authorization: `Bearer ${token}`,
        clientAddress: "203.0.113.9",
      }),
    ).toMatchObject({ allowed: false, status: 403 });
  });

  it("with a configured token asks everyone for it, loopback too, refusing with 401", () => {
    expect(
      metricsAccess({ configuredToken: token, authorization: undefined, clientAddress: "127.0.0.1" }),
    ).toMatchObject({ allowed: false, status: 401 });
    expect(
      metricsAccess({
        configuredToken: token,
        authorization: `Bearer ${token}x`,
        clientAddress: "127.0.0.1",
      }),
    ).toMatchObject({ allowed: false, status: 401, reason: expect.stringMatching(/not the metrics token/) });
    expect(
      metricsAccess({ configuredToken: token, authorization: `Basic ${token}`, clientAddress: "127.0.0.1" }),
    ).toMatchObject({ allowed: false, status: 401 });
    expect(
      metricsAccess({
        configuredToken: token,
        authorization: `bearer ${token}`,
        clientAddress: "203.0.113.9",
      }),
    ).toEqual({ allowed: true });
  });
});
