import { describe, expect, it } from "vitest";
import { filesForMail, leftOutNotice } from "./mail-attachments.js";

const file = (filename: string, megabytes: number) => ({ filename, sizeBytes: megabytes * 1024 * 1024 });

describe("the files a reply's mail carries", () => {
  it("takes files in order while they fit the budget, and names the rest with the ticket's link", () => {
    const files = [file("logs.zip", 6), file("dump.bin", 5), file("screenshot.png", 3)];
    const { attached, leftOut } = filesForMail(files);
    expect(attached.map((f) => f.filename)).toEqual(["logs.zip", "screenshot.png"]);
    expect(leftOut.map((f) => f.filename)).toEqual(["dump.bin"]);
    expect(leftOutNotice(leftOut, "https://help.example/portal/tickets/7")).toBe(
      "Too large to attach here, on the ticket at https://help.example/portal/tickets/7: dump.bin",
    );
  });

  it("attaches everything that fits and adds no notice", () => {
    const { attached, leftOut } = filesForMail([file("a.txt", 1), file("b.txt", 9)]);
    expect(attached).toHaveLength(2);
    expect(leftOutNotice(leftOut, "https://help.example")).toBeNull();
  });
});
