import { type ChildProcess, spawn } from "node:child_process";
import {
  accessSync,
  chmodSync,
  chownSync,
  constants,
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { ImapFlow } from "imapflow";
import { acceptsConnections, freePort } from "../support/local-ports.js";

/** The Dovecot binary, or null: the IMAP suites skip without it (`apt-get install dovecot-imapd`). */
export const dovecotBinary =
  [...(process.env.PATH ?? "").split(path.delimiter), "/usr/sbin"]
    .map((dir) => path.join(dir, "dovecot"))
    .find((candidate) => {
      try {
        accessSync(candidate, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    }) ?? null;

/** A real IMAP server for one test file: its own Dovecot, config, mail and logs under a temp dir. */
export interface Dovecot {
  port: number;
  user: string;
  password: string;
  /** A logged-in IMAP client, as a mail client delivering or reading mail would be. */
  client(): Promise<ImapFlow>;
  stop(): Promise<void>;
}

/**
 * Starts Dovecot in the foreground as the current user. Dovecot refuses to run its login process
 * as root and to give root mail access, so under root (CI containers) the login process and the
 * mail files belong to `nobody`; otherwise everything runs as the current user.
 */
export async function startDovecot(
  binary: string,
  options: {
    /**
     * Also accept XOAUTH2, validating each access token at this RFC 7662 introspection endpoint
     * (Dovecot's oauth2 passdb); the password keeps working for PLAIN and LOGIN.
     */
    oauth2IntrospectionUrl?: string;
  } = {},
): Promise<Dovecot> {
  const dir = mkdtempSync(path.join(tmpdir(), "tend-dovecot-"));
  // The mail user (nobody under root) must reach its maildir below this directory.
  chmodSync(dir, 0o755);
  const asRoot = process.getuid?.() === 0;
  const me = userInfo();
  const mailUid = asRoot ? 65534 : me.uid;
  const mailGid = asRoot ? 65534 : me.gid;
  const internalUser = me.username;
  const loginUser = asRoot ? "nobody" : me.username;
  const mailDir = path.join(dir, "mail");
  mkdirSync(mailDir);
  if (asRoot) chownSync(mailDir, mailUid, mailGid);
  const user = "tend";
  const password = "imap test password";
  writeFileSync(
    path.join(dir, "users"),
    `${user}:{PLAIN}${password}:${mailUid}:${mailGid}::${mailDir}/${user}\n`,
  );
  const port = await freePort();
  const oauth2 = options.oauth2IntrospectionUrl;
  if (oauth2) {
    writeFileSync(
      path.join(dir, "oauth2.conf"),
      `introspection_mode = post
introspection_url = ${oauth2}
username_attribute = username
active_attribute = active
active_value = true
`,
    );
  }
  writeFileSync(
    path.join(dir, "dovecot.conf"),
    `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login${oauth2 ? " xoauth2" : ""}
default_internal_user = ${internalUser}
${asRoot ? "default_internal_group = root\n" : ""}default_login_user = ${loginUser}
first_valid_uid = 1
mail_location = maildir:${mailDir}/%u
${
  oauth2
    ? `passdb {
  driver = oauth2
  mechanisms = xoauth2
  args = ${dir}/oauth2.conf
}
`
    : ""
}passdb {
  driver = passwd-file
  mechanisms = plain login
  args = scheme=PLAIN ${dir}/users
}
userdb {
  driver = passwd-file
  args = ${dir}/users
}
service imap-login {
  chroot =
  inet_listener imap {
    port = ${port}
  }
}
service anvil {
  chroot =
}
`,
  );
  const server: ChildProcess = spawn(binary, ["-F", "-c", path.join(dir, "dovecot.conf")], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
  for (let attempt = 0; !(await acceptsConnections(port)); attempt += 1) {
    if (server.exitCode !== null || attempt > 100)
      throw new Error(`dovecot did not start; see ${dir}/dovecot.log`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    port,
    user,
    password,
    async client() {
      const client = new ImapFlow({
        host: "127.0.0.1",
        port,
        secure: false,
        auth: { user, pass: password },
        logger: false,
      });
      await client.connect();
      return client;
    },
    async stop() {
      server.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
