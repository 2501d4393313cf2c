import { createHash, timingSafeEqual } from "node:crypto";

export type MetricsAccess = { allowed: true } | { allowed: false; status: 401 | 403; reason: string };

/** 127.0.0.0/8, ::1, and IPv4 loopback as a dual-stack socket reports it. */
export function isLoopbackAddress(address: string): boolean {
  const v4 = address.startsWith("::ffff:") ? address.slice("::ffff:".length) : address;
  return address === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

function sameSecret(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the token.
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Who may scrape `/metrics`: with TEND_METRICS_TOKEN set, whoever sends it as a bearer token (from
 * anywhere, loopback included); unset, only clients on this machine. `clientAddress` is Fastify's
 * `request.ip`, so behind a reverse proxy named in TEND_TRUST_PROXY it is the proxy's client, not the proxy.
 */
export function metricsAccess(input: {
  configuredToken: string | null;
  authorization: string | undefined;
  clientAddress: string;
}): MetricsAccess {
  if (input.configuredToken === null) {
    return isLoopbackAddress(input.clientAddress)
      ? { allowed: true }
      : {
          allowed: false,
          status: 403,
          reason: "Metrics are served to this machine only; set TEND_METRICS_TOKEN to scrape from elsewhere.",
        };
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(input.authorization ?? "")?.[1];
  if (bearer === undefined) {
    return {
      allowed: false,
      status: 401,
      reason: "Metrics need the bearer token set in TEND_METRICS_TOKEN.",
    };
  }
  if (!sameSecret(bearer, input.configuredToken)) {
    return { allowed: false, status: 401, reason: "The bearer token is not the metrics token." };
  }
  return { allowed: true };
}
