import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkGithubSignature } from "./github-signature.js";

const secret = "It's a Secret to Everybody";
const rawBody = Buffer.from("Hello, World!");

describe("GitHub's webhook signature", () => {
  it("matches the example in GitHub's documentation", () => {
    // docs.github.com "Validating webhook deliveries": this secret and payload give this signature.
    const signature = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    expect(checkGithubSignature({ secret, signature, rawBody })).toEqual({ valid: true });
  });

  it("refuses a missing, forged or truncated signature, and a changed body", () => {
    const good = `sha256=${createHmac("sha256", secret).update(rawBody).digest("hex")}`;
    expect(checkGithubSignature({ secret, signature: undefined, rawBody }).valid).toBe(false);
    expect(checkGithubSignature({ secret: "another", signature: good, rawBody }).valid).toBe(false);
    expect(checkGithubSignature({ secret, signature: good.slice(0, -2), rawBody }).valid).toBe(false);
    expect(
      checkGithubSignature({ secret, signature: good, rawBody: Buffer.from("Hello, World?") }).valid,
    ).toBe(false);
  });
});
