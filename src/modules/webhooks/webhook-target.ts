import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { UnprocessableContentError, ValidationError } from "../../errors.js";

/**
 * Where an endpoint may point. An admin's URL is a request Tend makes from inside the operator's network
 * (server-side request forgery): the cloud metadata service at 169.254.169.254, a database's admin port on
 * 10.x. So addresses that are not public are refused unless the operator says the desk's receivers live
 * there (`TEND_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true`). Loopback stays allowed, as for Tend's other webhooks:
 * it is the operator's own machine (a local relay, tests).
 */
export interface WebhookTargetPolicy {
  allowPrivateNetworks: boolean;
}

export type AddressClass = "public" | "loopback" | "internal";

const loopback = new BlockList();
loopback.addSubnet("127.0.0.0", 8, "ipv4");
loopback.addAddress("::1", "ipv6");

// RFC 6890's special-purpose ranges a webhook has no business reaching: private, shared (CGNAT),
// link-local, unspecified, benchmarking, multicast and reserved space.
const internal = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
] as const)
  internal.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  internal.addSubnet(network, prefix, "ipv6");

/** An IP address's class (pure); an IPv4-mapped IPv6 address counts as the IPv4 one it carries. */
export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, "");
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare)?.[1];
  const ip = mapped ?? bare;
  const version = isIP(ip);
  // A name nobody resolved is judged by what it resolves to at delivery, not here.
  if (version === 0) return "public";
  const family = version === 6 ? "ipv6" : "ipv4";
  if (loopback.check(ip, family)) return "loopback";
  if (internal.check(ip, family)) return "internal";
  return "public";
}

/** Why a URL whose host has these addresses may not be posted to (pure); null when it may. */
export function targetRefusal(
  url: URL,
  addresses: readonly string[],
  policy: WebhookTargetPolicy,
): string | null {
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an https URL";
  if (url.username || url.password) return "must not carry a user name or password";
  const classes = addresses.map(classifyAddress);
  if (classes.includes("internal") && !policy.allowPrivateNetworks)
    return "points at a private, link-local or reserved address (allowed only with TEND_WEBHOOKS_ALLOW_PRIVATE_NETWORKS=true)";
  const plainHttpAllowed =
    classes.length > 0 &&
    classes.every((c) => c === "loopback" || (c === "internal" && policy.allowPrivateNetworks));
  if (url.protocol === "http:" && !plainHttpAllowed)
    return "must be an https URL (plain http only to this machine or, when allowed, a private network)";
  return null;
}

/** The host's addresses: itself when it is one, else what DNS answers (empty when it answers nothing). */
export async function addressesOf(url: URL): Promise<string[]> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host)) return [host];
  try {
    return (await lookup(host, { all: true })).map((entry) => entry.address);
  } catch {
    return [];
  }
}

function parsedUrl(raw: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw ValidationError.field("url", "must be an absolute https URL");
  }
}

/**
 * An endpoint's URL as an admin saves it: refused with the reason when its host is not a place Tend posts
 * to. A name DNS cannot resolve yet is taken (its deliveries fail and say so); every delivery checks the
 * addresses again, since a name may be pointed elsewhere after it was saved.
 */
export async function checkedEndpointUrl(raw: string, policy: WebhookTargetPolicy): Promise<string> {
  const url = parsedUrl(raw.trim());
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw ValidationError.field("url", "must be an https URL");
  const addresses = await addressesOf(url);
  const refusal = targetRefusal(url, addresses.length > 0 ? addresses : [url.hostname], policy);
  // An unresolved name classifies as public, so plain http to it is still refused.
  if (refusal) throw UnprocessableContentError.field("url", refusal);
  return url.toString();
}
