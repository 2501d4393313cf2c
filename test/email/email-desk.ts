import net, { type AddressInfo } from "node:net";
import nodemailer from "nodemailer";
import type Mail from "nodemailer/lib/mailer/index.js";
import pino from "pino";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll } from "vitest";
import { JobRunner } from "../../src/jobs/job-runner.js";
import { registerJobs } from "../../src/jobs/schedule.js";
import type { InboundEmailView, TicketEmailView } from "../../src/modules/email/email-presenter.js";
import {
  type SmtpListener,
  type SmtpTls,
  startSmtpListener,
} from "../../src/modules/email/inbound-smtp-listener.js";
import { systemActor } from "../../src/modules/identity/actor.js";
import type { FollowerView } from "../../src/modules/tickets/ticket-followers.js";
import type { CommentView, TicketView } from "../../src/modules/tickets/ticket-presenter.js";
import { type Person, type TestDesk, useTestDesk } from "../support/test-desk.js";

export const supportAddress = "support@tend.test";
export const mailFrom = "Tend Support <support@tend.test>";
export const publicUrl = "https://help.tend.test";

/** A mail that reached the test's relay: the SMTP envelope and the bytes, as a relay received them. */
export interface RelayedMail {
  mailFrom: string;
  rcptTo: string[];
  raw: Buffer;
}

/**
 * A real SMTP server standing in for the outbound relay. `refuseWith` makes it answer DATA with
 * that code, as a relay refusing a message would.
 */
export interface SmtpSink {
  port: number;
  received: RelayedMail[];
  refuseWith: number | null;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const sink = {
    port: 0,
    received: [] as RelayedMail[],
    refuseWith: null as number | null,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["AUTH", "STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        if (sink.refuseWith) {
          return callback(
            Object.assign(new Error("5.7.1 Message refused by policy"), { responseCode: sink.refuseWith }),
          );
        }
        sink.received.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  sink.port = (server.server.address() as AddressInfo).port;
  return sink;
}

/** What the SMTP client saw: the final answer to the message, and the stored row it names. */
export interface Delivery {
  response: string;
  rawEmailId: string | null;
}

/**
 * A test desk with Tend's SMTP listener on a free port, a job runner with the email jobs, a real
 * SMTP client (nodemailer) and an admin to read the results through the API.
 */
export interface EmailDesk {
  desk: TestDesk;
  listener: SmtpListener;
  /** The outbound relay, when asked for (`relaySink`); otherwise outbound mail has none. */
  sink: SmtpSink | null;
  admin: Person;
  /** Sends through Tend's listener over a real socket; rejects with the server's answer. */
  send(message: Mail.Options): Promise<Delivery>;
  /** Runs the queued email jobs (inbound processing, outbound sending), as a worker would. */
  processInbound(): Promise<void>;
  /** Sends, processes, and returns what became of the message. */
  deliver(message: Mail.Options): Promise<InboundEmailView>;
  /** A new customer of a new organization mails support: their ticket, address and Message-ID. */
  customerWritesIn(subject: string): Promise<{ ticketNumber: number; requester: string; messageId: string }>;
  inbound(rawEmailId: string): Promise<InboundEmailView>;
  ticket(number: number): Promise<TicketView>;
  comments(number: number): Promise<CommentView[]>;
  /** The ticket's mail, inbound and outbound, as an admin reads it. */
  emails(number: number): Promise<TicketEmailView[]>;
  /** The ticket's followers, as staff list them. */
  followers(number: number): Promise<FollowerView[]>;
  /** A new agent comments on the ticket through the API (a public reply unless the payload says). */
  agentComments(number: number, payload: Record<string, unknown>): Promise<CommentView>;
  ticketCount(): Promise<number>;
}

const silent = pino({ level: "silent" });

export interface EmailDeskOptions {
  maxMessageBytes?: number;
  relaySink?: boolean;
  /** The listener's flood stop and STARTTLS certificate. */
  senderLimit?: number;
  tls?: SmtpTls;
  maxAttachmentBytes?: number;
  /** Jobs the worker runs at once (1 unless a test is about concurrency). */
  workerConcurrency?: number;
}

export function useEmailDesk(options: EmailDeskOptions = {}): EmailDesk {
  const desk = useTestDesk();
  const email = {} as EmailDesk;
  let runner: JobRunner;
  beforeAll(async () => {
    const sink = options.relaySink ? await startSmtpSink() : null;
    const listener = await startSmtpListener(desk.as(systemActor("inbound email"), "email"), {
      host: "127.0.0.1",
      port: 0,
      supportAddresses: [supportAddress],
      maxMessageBytes: options.maxMessageBytes ?? 256 * 1024,
      ...(options.senderLimit ? { senderLimit: options.senderLimit } : {}),
      ...(options.tls ? { tls: options.tls } : {}),
    });
    runner = registerJobs(
      new JobRunner({ ...desk.system, logger: silent }, { concurrency: options.workerConcurrency ?? 1 }),
      {
        email: {
          supportAddresses: [supportAddress],
          ...(options.maxAttachmentBytes ? { maxAttachmentBytes: options.maxAttachmentBytes } : {}),
          relayUrl: sink ? `smtp://127.0.0.1:${sink.port}` : null,
          mailFrom,
          publicUrl,
        },
      },
    );
    const transport = nodemailer.createTransport({
      host: "127.0.0.1",
      port: listener.port,
      secure: false,
      ignoreTLS: true,
    });
    const admin = await desk.makeAgent({ role: "admin" });
    const get = async <T>(url: string): Promise<T> => {
      const response = await desk.app.inject({ method: "GET", url, headers: admin.auth });
      if (response.statusCode !== 200) throw new Error(`GET ${url}: ${response.statusCode} ${response.body}`);
      return response.json() as T;
    };
    Object.assign(email, {
      desk,
      listener,
      sink,
      admin,
      async send(message: Mail.Options) {
        const info = await transport.sendMail(message);
        return { response: info.response, rawEmailId: /Queued as (\S+)/.exec(info.response)?.[1] ?? null };
      },
      async processInbound() {
        await runner.runDueJobs();
      },
      async deliver(message: Mail.Options) {
        const { rawEmailId } = await email.send(message);
        if (!rawEmailId) throw new Error("the listener stored nothing new");
        await email.processInbound();
        return email.inbound(rawEmailId);
      },
      async customerWritesIn(subject: string) {
        const organization = await desk.makeOrganization();
        const requester = `pat-${desk.unique()}@${organization.domain}`;
        const messageId = `<question-${desk.unique()}@${organization.domain}>`;
        const inbound = await email.deliver({
          from: `Pat Customer <${requester}>`,
          to: supportAddress,
          subject,
          text: "The printer on floor 3 is offline.",
          messageId,
        });
        return { ticketNumber: inbound.ticketNumber as number, requester, messageId };
      },
      inbound: (rawEmailId: string) => get<InboundEmailView>(`/api/v1/email/inbound/${rawEmailId}`),
      ticket: (number: number) => get<TicketView>(`/api/v1/tickets/${number}`),
      comments: (number: number) => get<CommentView[]>(`/api/v1/tickets/${number}/comments`),
      emails: (number: number) => get<TicketEmailView[]>(`/api/v1/tickets/${number}/emails`),
      followers: (number: number) => get<FollowerView[]>(`/api/v1/tickets/${number}/followers`),
      async agentComments(number: number, payload: Record<string, unknown>) {
        const agent = await desk.makeAgent();
        const url = `/api/v1/tickets/${number}/comments`;
        const response = await desk.app.inject({ method: "POST", url, headers: agent.auth, payload });
        if (response.statusCode !== 201)
          throw new Error(`POST ${url}: ${response.statusCode} ${response.body}`);
        return (response.json() as { comment: CommentView }).comment;
      },
      async ticketCount() {
        const row = await desk.database.db
          .selectFrom("tickets")
          .select((eb) => eb.fn.countAll<number>().as("count"))
          .executeTakeFirstOrThrow();
        return Number(row.count);
      },
    } satisfies Partial<EmailDesk>);
  });
  afterAll(async () => {
    await email.listener?.close();
    await email.sink?.close();
  });
  return email;
}

/**
 * A bare SMTP dialogue over a socket, for what a polite client never does (a message past the
 * limit without announcing its SIZE). Returns every reply line the server sent.
 */
export async function rawSmtpDialogue(port: number, commands: string[]): Promise<string[]> {
  const socket = net.connect(port, "127.0.0.1");
  const replies: string[] = [];
  let buffered = "";
  let onReply: (() => void) | undefined;
  socket.on("data", (chunk) => {
    buffered += chunk.toString("latin1");
    for (let end = buffered.indexOf("\r\n"); end >= 0; end = buffered.indexOf("\r\n")) {
      const line = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      // A multi-line reply ("250-…") ends on the line with a space after the code.
      if (/^\d{3} /.test(line)) {
        replies.push(line);
        onReply?.();
      }
    }
  });
  const replyNumber = (count: number) =>
    new Promise<void>((resolve) => {
      onReply = () => {
        if (replies.length >= count) resolve();
      };
      onReply();
    });
  await replyNumber(1);
  for (const command of commands) {
    const reply = replyNumber(replies.length + 1);
    socket.write(command);
    await reply;
  }
  socket.end();
  return replies;
}
