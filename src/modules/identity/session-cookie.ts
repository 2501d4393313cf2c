import type { FastifyReply } from "fastify";
import { sessionAbsoluteLifetimeMs, sessionCookieName } from "./sessions.js";

/** The session cookie every way of signing in sets: script cannot read it, other sites cannot send it on writes. */
export function setSessionCookie(reply: FastifyReply, sessionSecret: string, secure: boolean): void {
  reply.setCookie(sessionCookieName, sessionSecret, {
    path: "/",
    httpOnly: true,
    sameSite: "lax",
    secure,
    maxAge: Math.floor(sessionAbsoluteLifetimeMs / 1000),
  });
}
