import { describe, expect, it } from "vitest";
import { readMessageIdHeader } from "./header-message-id.js";
import { parseEmail } from "./parse-email.js";

const message = (headers: string, body = "Hello") => Buffer.from(`${headers}\r\n\r\n${body}\r\n`, "latin1");

describe("readMessageIdHeader", () => {
  it("reads the id as the full parser does, folded or not, in any case", async () => {
    const samples = [
      message("From: dana@example.com\r\nMessage-ID: <a1@mail.example.com>\r\nSubject: VAT"),
      message("From: dana@example.com\r\nmessage-id:\r\n\t<folded.id@mail.example.com>\r\nSubject: VAT"),
      message("MESSAGE-ID:   <CAJ+x=y@mail.gmail.com> (comment)\r\nFrom: dana@example.com"),
      Buffer.from("From: dana@example.com\nMessage-Id: <lf-only@example.com>\n\nbody\n"),
    ];
    for (const raw of samples) {
      const parsed = await parseEmail(raw);
      expect(readMessageIdHeader(raw)).toBe(parsed.messageId);
      expect(parsed.messageId).not.toBeNull();
    }
  });

  it("looks only at the header block", () => {
    expect(
      readMessageIdHeader(message("From: dana@example.com", "Message-ID: <in-body@example.com>")),
    ).toBeNull();
    expect(
      readMessageIdHeader(message("From: dana@example.com\r\nX-Message-ID: <other@example.com>")),
    ).toBeNull();
  });

  it("returns null for a missing or malformed id and for junk", () => {
    expect(readMessageIdHeader(message("Message-ID: not an id"))).toBeNull();
    expect(readMessageIdHeader(Buffer.from([0, 255, 13, 10, 13, 10, 1, 2]))).toBeNull();
    expect(readMessageIdHeader(Buffer.alloc(0))).toBeNull();
  });
});
