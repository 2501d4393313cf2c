import type { AddressInfo } from "node:net";
import { loadConfig } from "../src/config.js";
import { allRoles, createTend, type Role, startRoles } from "../src/main.js";
import type { ListeningMessage } from "./child-server.js";

/**
 * Tend as `tend serve --roles web` runs it (or with the roles in BENCH_ROLES, web among them),
 * reporting its port, and its SMTP port when `smtp` is among the roles, to the bench that spawned it.
 */
const roles = (process.env.BENCH_ROLES ?? "web").split(",").map((role) => parseRole(role));
const tend = await createTend(loadConfig(), { roles: roles });
await startRoles(tend, roles);
const address = tend.app?.server.address() as AddressInfo;
process.send?.({
  listening: { port: address.port, ...(tend.smtp ? { smtpPort: tend.smtp.port } : {}) },
} satisfies ListeningMessage);
process.once("SIGTERM", () => {
  void tend.stop().then(() => process.exit(0));
});

function parseRole(role: string): Role {
  const known = allRoles.find((candidate) => candidate === role);
  if (!known) throw new Error(`BENCH_ROLES: "${role}" is not one of ${allRoles.join(", ")}`);
  return known;
}
