import { describe, expect, it } from "vitest";
import { readOncePerBatch } from "./context.js";

describe("readOncePerBatch", () => {
  it("reads a key once in a batch, and every time outside one", async () => {
    let reads = 0;
    const read = async () => {
      reads += 1;
      return { policies: reads };
    };
    const batch = { batchReads: new Map<string, Promise<unknown>>() };
    const first = await readOncePerBatch(batch, "policies", read);
    expect(await readOncePerBatch(batch, "policies", read)).toBe(first);
    expect(reads).toBe(1);
    await readOncePerBatch(batch, "calendars", read);
    expect(reads).toBe(2);

    await readOncePerBatch({}, "policies", read);
    await readOncePerBatch({}, "policies", read);
    expect(reads).toBe(4);
  });

  it("does not keep a failed read: the next message reads again", async () => {
    const batch = { batchReads: new Map<string, Promise<unknown>>() };
    await expect(
      readOncePerBatch(batch, "settings", () => Promise.reject(new Error("database gone"))),
    ).rejects.toThrow("database gone");
    await new Promise((resolve) => setImmediate(resolve));
    expect(await readOncePerBatch(batch, "settings", async () => "read again")).toBe("read again");
  });
});
