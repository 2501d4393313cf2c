import { describe, expect, it } from "vitest";
import {
  parseTokenScopes,
  roleThroughToken,
  serializeTokenScopes,
  tokenAllowsMethod,
  tokenLevel,
} from "./token-scopes.js";

describe("token scopes", () => {
  it("takes the highest scope as the token's level", () => {
    expect(tokenLevel(["read"])).toBe("read");
    expect(tokenLevel(["read", "write"])).toBe("write");
    expect(tokenLevel(["admin"])).toBe("admin");
  });

  it("lets a read token only read", () => {
    expect(tokenAllowsMethod(["read"], "GET")).toBe(true);
    expect(tokenAllowsMethod(["read"], "HEAD")).toBe(true);
    for (const method of ["POST", "PATCH", "PUT", "DELETE"]) {
      expect(tokenAllowsMethod(["read"], method)).toBe(false);
    }
    expect(tokenAllowsMethod(["write"], "DELETE")).toBe(true);
  });

  it("caps an admin to an agent without the admin scope, and never raises anyone", () => {
    expect(roleThroughToken("admin", ["write"])).toBe("agent");
    expect(roleThroughToken("admin", ["read"])).toBe("agent");
    expect(roleThroughToken("admin", ["write", "admin"])).toBe("admin");
    expect(roleThroughToken("agent", ["admin"])).toBe("agent");
    expect(roleThroughToken("customer", ["admin"])).toBe("customer");
  });

  it("stores scopes in one order and distrusts anything it does not know", () => {
    expect(serializeTokenScopes(["admin", "write"])).toBe('["write","admin"]');
    expect(parseTokenScopes('["admin","write"]')).toEqual(["write", "admin"]);
    expect(parseTokenScopes('["root"]')).toEqual(["read"]);
    expect(parseTokenScopes("not json")).toEqual(["read"]);
  });
});
