import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * A self-signed certificate for localhost (and 127.0.0.1), made by openssl as an operator would make
 * one, valid for `days` from now.
 */
export function selfSignedCertificate(days = 1): { cert: Buffer; key: Buffer } {
  const folder = mkdtempSync(join(tmpdir(), "tend-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        String(days),
        "-subj",
        "/CN=localhost",
        "-addext",
        "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout",
        join(folder, "key.pem"),
        "-out",
        join(folder, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    return { cert: readFileSync(join(folder, "cert.pem")), key: readFileSync(join(folder, "key.pem")) };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
