import type { AddressInfo } from "node:net";
import { loadConfig } from "../src/config.js";
import { createTend, startRoles } from "../src/main.js";
import type { ListeningMessage } from "./child-server.js";

/** Tend's web role as `tend serve --roles web` runs it, reporting its port to the bench that spawned it. */
const tend = await createTend(loadConfig());
await startRoles(tend, ["web"]);
const address = tend.app?.server.address() as AddressInfo;
process.send?.({ listening: { port: address.port } } satisfies ListeningMessage);
process.once("SIGTERM", () => {
  void tend.stop().then(() => process.exit(0));
});
