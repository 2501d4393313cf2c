import { readFile } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { SMTPServer, type SMTPServerDataStream } from "smtp-server";
import type { Context } from "../../shared/context.js";
import { isStorageFull } from "../../shared/storage-full.js";
import type { InboundMailObserver } from "../metrics/tend-metrics.js";
import { supportRecipient } from "./email-addresses.js";
import { countMessagesFromSender } from "./email-repository.js";
import type { InboundSpool } from "./inbound-spool.js";
import { GroupCommittedInboundStore } from "./store-inbound-email.js";

export interface SmtpListenerOptions {
  host: string;
  /** 0 picks a free port (tests). */
  port: number;
  supportAddresses: readonly string[];
  maxMessageBytes: number;
  /** Recipients per message: support mail names a support address or two, not a mailing list. */
  maxRecipients?: number;
  /** Messages one envelope sender may have stored per `senderWindowMinutes`; more get a 451. */
  senderLimit?: number;
  /** Certificate and key: STARTTLS is offered; null or absent, it is not. */
  tls?: SmtpTls | null;
  /** Counts accepted and refused mail for `/metrics`; absent, nothing is counted. */
  observer?: InboundMailObserver;
  /** Commit accepted mail here rather than in the database (on SQLite, see `inbound-spool.ts`). */
  spool?: InboundSpool;
}

export interface SmtpTls {
  cert: Buffer;
  key: Buffer;
}

export const defaultSenderLimit = 30;
const senderWindowMinutes = 10;

/** Reads the PEM files once, at start: a missing or unreadable file stops Tend with its reason. */
export async function readSmtpTls(files: { certFile: string; keyFile: string }): Promise<SmtpTls> {
  return { cert: await readFile(files.certFile), key: await readFile(files.keyFile) };
}

export interface SmtpListener {
  port: number;
  close(): Promise<void>;
}

function smtpError(responseCode: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode });
}

/**
 * Reads the DATA stream, counting bytes as they arrive. Past the limit it keeps reading (the
 * client is still sending) but keeps nothing, so a 100 MB message costs 25 MB of memory at most.
 */
async function readMessage(stream: SMTPServerDataStream, maxBytes: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= maxBytes) chunks.push(chunk);
  }
  return size > maxBytes || stream.sizeExceeded ? null : Buffer.concat(chunks, size);
}

/**
 * Tend's own MX: accepts mail for the support addresses and their plus-addresses, and answers 250
 * only after the message is committed (see `GroupCommittedInboundStore`). A full disk is a 452, any other
 * failure to store a 451, so the sending server keeps the message and tries again.
 */
export async function startSmtpListener(ctx: Context, options: SmtpListenerOptions): Promise<SmtpListener> {
  const maxRecipients = options.maxRecipients ?? 50;
  const senderLimit = options.senderLimit ?? defaultSenderLimit;
  const logger = ctx.logger.child({ role: "smtp" });
  const observer = options.observer;
  const inbound = new GroupCommittedInboundStore(ctx, options.spool);
  const server = new SMTPServer({
    name: "tend",
    banner: "Tend help desk",
    size: options.maxMessageBytes,
    // An MX for the world: nobody signs in, and STARTTLS waits for a configured certificate.
    authOptional: true,
    disabledCommands: options.tls ? ["AUTH"] : ["AUTH", "STARTTLS"],
    ...(options.tls ? { key: options.tls.key, cert: options.tls.cert } : {}),
    logger: false,
    onMailFrom(address, session, callback) {
      // The null sender `<>` is every bounce's: limiting it would limit all of them at once.
      const sender = address.address.toLowerCase();
      if (!sender) return callback();
      const since = new Date(ctx.clock.now().getTime() - senderWindowMinutes * 60_000).toISOString();
      // Each count stops at the limit: their sum reaches it exactly when the true sum does.
      countMessagesFromSender(ctx.db, sender, since, senderLimit)
        .then((stored) => {
          const count = stored + (options.spool?.countFromSender(sender, since, senderLimit) ?? 0);
          if (count < senderLimit) return callback();
          // Temporary: a real sender's server keeps the mail and retries after the flood passes.
          logger.warn(
            { sender, limit: senderLimit, remote: session.remoteAddress },
            "sender over the rate limit deferred",
          );
          observer?.refused("sender_rate_limit");
          callback(smtpError(451, "4.7.1 Too many messages from this sender, try again later"));
        })
        .catch((error: unknown) => {
          // The count is a guard, not the store: the message's own commit decides 250 or 451.
          logger.warn(
            { err: error, sender },
            "sender rate limit unreadable; the message goes on to be stored",
          );
          callback();
        });
    },
    onRcptTo(address, session, callback) {
      if (!supportRecipient(address.address, options.supportAddresses)) {
        observer?.refused("unknown_recipient");
        return callback(smtpError(550, `5.1.1 <${address.address}>: no such mailbox here`));
      }
      if (session.envelope.rcptTo.length >= maxRecipients) {
        observer?.refused("too_many_recipients");
        return callback(smtpError(452, "4.5.3 Too many recipients"));
      }
      callback();
    },
    onData(stream, session, callback) {
      readMessage(stream, options.maxMessageBytes)
        .then(async (raw) => {
          if (!raw) {
            logger.info({ remote: session.remoteAddress }, "inbound message over the size limit refused");
            observer?.refused("too_large");
            return callback(
              smtpError(552, `5.3.4 Message exceeds the maximum size of ${options.maxMessageBytes} bytes`),
            );
          }
          const mailFrom = session.envelope.mailFrom
            ? session.envelope.mailFrom.address.toLowerCase() || null
            : null;
          const { rawEmailId, duplicate } = await inbound.store(raw, {
            mailFrom,
            rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address.toLowerCase()),
            remoteAddress: session.remoteAddress ?? null,
          });
          logger.info({ rawEmailId, duplicate, bytes: raw.length }, "inbound message stored");
          observer?.accepted({ duplicate });
          callback(null, duplicate ? "Already received" : `Queued as ${rawEmailId}`);
        })
        .catch((error: unknown) => {
          if (isStorageFull(error)) {
            // Temporary (RFC 5321's 452): the sending server keeps the message until space is freed.
            logger.error({ err: error }, "storage full: inbound message deferred, the sender retries");
            observer?.refused("storage_full");
            return callback(smtpError(452, "4.3.1 Insufficient system storage, try again later"));
          }
          logger.error({ err: error }, "inbound message could not be stored; asked the sender to retry");
          observer?.refused("store_failed");
          callback(smtpError(451, "4.3.0 Temporary failure storing the message, try again later"));
        });
    },
  });
  server.on("error", (error) => logger.warn({ err: error }, "SMTP connection error"));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;
  logger.info({ port, host: options.host, addresses: options.supportAddresses }, "SMTP listener ready");
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
