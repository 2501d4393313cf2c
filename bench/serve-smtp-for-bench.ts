import { loadConfig } from "../src/config.js";
import { createTend, startRoles } from "../src/main.js";
import type { ListeningMessage } from "./child-server.js";

/**
 * Tend's `smtp` and `worker` roles as `tend serve --roles smtp,worker` runs them, reporting the SMTP
 * port to the bench that spawned it: the senders then load the listener from another process, as
 * the relays delivering to a real MX do, instead of sharing its event loop.
 */
const tend = await createTend(loadConfig(), { roles: ["smtp", "worker"] });
await startRoles(tend, ["smtp", "worker"]);
if (!tend.smtp) throw new Error("the SMTP listener did not start");
process.send?.({ listening: { port: tend.smtp.port } } satisfies ListeningMessage);
process.once("SIGTERM", () => {
  void tend.stop().then(() => process.exit(0));
});
