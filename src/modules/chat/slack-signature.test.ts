import { describe, expect, it } from "vitest";
import { checkSlackSignature, slackSignature } from "./slack-signature.js";

// Slack's published example ("Verifying requests from Slack"): reproducing it proves the base
// string is assembled as Slack assembles it, which a round trip through our own signer could not.
const secret = "8f742231b10e8888abcd99yyyzzz85a5";
const timestamp = "1531420618";
const body = Buffer.from(
  "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V" +
    "&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=" +
    "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN" +
    "&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c",
);
const signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const atTimestamp = Number(timestamp) * 1000;

describe("Slack's request signature", () => {
  it("reproduces Slack's documented example and accepts it within five minutes", () => {
    expect(slackSignature(secret, timestamp, body)).toBe(signature);
    const check = (nowMs: number) =>
      checkSlackSignature({ signingSecret: secret, timestamp, signature, rawBody: body, nowMs });
    expect(check(atTimestamp + 30_000)).toEqual({ valid: true });
    expect(check(atTimestamp + 300_000)).toEqual({ valid: true });
    expect(check(atTimestamp + 301_000)).toMatchObject({
      valid: false,
      reason: expect.stringContaining("replay"),
    });
    expect(check(atTimestamp - 301_000)).toMatchObject({ valid: false });
  });

  it("refuses another secret, a changed byte, a re-encoded body and missing headers", () => {
    const check = (input: Partial<Parameters<typeof checkSlackSignature>[0]>) =>
      checkSlackSignature({
        signingSecret: secret,
        timestamp,
        signature,
        rawBody: body,
        nowMs: atTimestamp,
        ...input,
      });
    expect(check({ signingSecret: `${secret}x` }).valid).toBe(false);
    expect(check({ rawBody: Buffer.from(body.toString().replace("roadrunner", "roadrunnes")) }).valid).toBe(
      false,
    );
    // The same fields encoded another way (`/` unescaped) are other bytes: no match.
    expect(check({ rawBody: Buffer.from(body.toString().replace("%2Fwebhook", "/webhook")) }).valid).toBe(
      false,
    );
    expect(check({ signature: signature.toUpperCase() }).valid).toBe(false);
    expect(check({ signature: "v0=short" }).valid).toBe(false);
    expect(check({ signature: undefined })).toMatchObject({ reason: "X-Slack-Signature is missing" });
    expect(check({ timestamp: undefined }).valid).toBe(false);
    expect(check({ timestamp: "1531420618.5" }).valid).toBe(false);
  });
});
