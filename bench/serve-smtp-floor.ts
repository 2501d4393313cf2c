import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import type { ListeningMessage } from "./child-server.js";

/**
 * The floor Tend's inbound mail is compared with: `smtp-server` with Tend's listener settings that
 * reads each message and answers 250 without storing, parsing or threading anything. What the SMTP
 * exchange and the senders cost on this machine is what no Tend change can take away.
 */
const server = new SMTPServer({
  name: "floor",
  authOptional: true,
  disabledCommands: ["AUTH", "STARTTLS"],
  logger: false,
  onData(stream, _session, callback) {
    stream.on("data", () => {});
    stream.on("end", () => callback(null, "Discarded"));
  },
});

server.listen(0, "127.0.0.1", () => {
  const { port } = server.server.address() as AddressInfo;
  process.send?.({ listening: { port: 0, smtpPort: port } } satisfies ListeningMessage);
});

process.once("SIGTERM", () => server.close(() => process.exit(0)));
