import { describe, expect, it } from "vitest";
import { classifyAddress, targetRefusal } from "./webhook-target.js";

const closed = { allowPrivateNetworks: false };
const open = { allowPrivateNetworks: true };

describe("where a webhook may post", () => {
  it("classifies addresses, IPv4-mapped IPv6 as the IPv4 address it carries", () => {
    expect(classifyAddress("127.0.0.1")).toBe("loopback");
    expect(classifyAddress("::1")).toBe("loopback");
    expect(classifyAddress("[::1]")).toBe("loopback");
    for (const address of [
      "10.1.2.3",
      "172.20.0.1",
      "192.168.0.10",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "fd12::1",
      "fe80::1",
      "::",
      "::ffff:10.0.0.1",
      "224.0.0.1",
    ])
      expect(classifyAddress(address), address).toBe("internal");
    for (const address of ["93.184.216.34", "2606:2800:220:1::1", "172.32.0.1", "::ffff:93.184.216.34"])
      expect(classifyAddress(address), address).toBe("public");
  });

  it("takes https to public addresses and plain http only to this machine", () => {
    expect(targetRefusal(new URL("https://hooks.example.com/x"), ["93.184.216.34"], closed)).toBeNull();
    expect(targetRefusal(new URL("http://127.0.0.1:9000/x"), ["127.0.0.1"], closed)).toBeNull();
    expect(targetRefusal(new URL("http://hooks.example.com/x"), ["93.184.216.34"], closed)).toMatch(/https/);
    expect(targetRefusal(new URL("ftp://hooks.example.com/x"), ["93.184.216.34"], closed)).toMatch(/https/);
    expect(targetRefusal(new URL("https://user:pw@hooks.example.com/x"), ["93.184.216.34"], closed)).toMatch(
      /password/,
    );
  });

  it("refuses a name with any internal address unless the operator allows private networks", () => {
    const url = new URL("https://intranet.example/x");
    expect(targetRefusal(url, ["93.184.216.34", "10.0.0.5"], closed)).toMatch(
      /TEND_WEBHOOKS_ALLOW_PRIVATE_NETWORKS/,
    );
    expect(targetRefusal(url, ["93.184.216.34", "10.0.0.5"], open)).toBeNull();
    expect(targetRefusal(new URL("http://10.0.0.5/x"), ["10.0.0.5"], open)).toBeNull();
    // Plain http to a name that is partly public stays refused: its public address would be sent in clear.
    expect(targetRefusal(new URL("http://intranet.example/x"), ["93.184.216.34", "10.0.0.5"], open)).toMatch(
      /https/,
    );
  });
});
