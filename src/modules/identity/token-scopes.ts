import type { Role } from "./actor.js";

/**
 * What an API token may do, on top of what its person may do. The scopes are ordered: `read` only
 * reads (GET and HEAD), `write` acts as the person would, except that an admin acts as an agent,
 * and `admin` is needed for an admin's admin-only actions. A token's level is its highest scope.
 */
export const tokenScopes = ["read", "write", "admin"] as const;
export type TokenScope = (typeof tokenScopes)[number];

const rank: Record<TokenScope, number> = { read: 0, write: 1, admin: 2 };

export function tokenLevel(scopes: readonly TokenScope[]): TokenScope {
  return scopes.reduce<TokenScope>((level, scope) => (rank[scope] > rank[level] ? scope : level), "read");
}

/** Scopes as stored (a JSON array); anything unrecognised is dropped rather than trusted. */
export function parseTokenScopes(stored: string): TokenScope[] {
  try {
    const parsed: unknown = JSON.parse(stored);
    if (!Array.isArray(parsed)) return ["read"];
    const scopes = tokenScopes.filter((scope) => parsed.includes(scope));
    return scopes.length > 0 ? scopes : ["read"];
  } catch {
    return ["read"];
  }
}

/** Stored in a fixed order, so equal sets compare equal. */
export function serializeTokenScopes(scopes: readonly TokenScope[]): string {
  return JSON.stringify(tokenScopes.filter((scope) => scopes.includes(scope)));
}

/**
 * The role the token acts with: the use cases' `requireAdmin` sees an admin's token without the
 * `admin` scope as an agent, so no admin-only check needs to know about tokens.
 */
export function roleThroughToken(role: Role, scopes: readonly TokenScope[]): Role {
  return role === "admin" && tokenLevel(scopes) !== "admin" ? "agent" : role;
}

/** A `read` token may only read; reading never changes anything under HTTP's safe methods. */
export function tokenAllowsMethod(scopes: readonly TokenScope[], method: string): boolean {
  return tokenLevel(scopes) !== "read" || method === "GET" || method === "HEAD";
}
