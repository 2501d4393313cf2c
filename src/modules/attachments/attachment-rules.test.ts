import { describe, expect, it } from "vitest";
import {
  admitAttachments,
  attachmentDisposition,
  declaredMediaType,
  maxAttachmentsPerMessage,
  sanitizeFilename,
  servedContentType,
  uploadRefusal,
} from "./attachment-rules.js";

describe("sanitizeFilename", () => {
  it.each([
    ["../../etc/passwd", "passwd"],
    ["C:\\Users\\dana\\report.pdf", "report.pdf"],
    ["..", "attachment"],
    [".htaccess", "htaccess"],
    ["tab\tnew\r\nline.txt", "tabnewline.txt"],
    ["invoice\u202Efdp.exe", "invoicefdp.exe"],
    ["", "attachment"],
    [null, "attachment"],
    ["résumé 2026.pdf", "résumé 2026.pdf"],
  ])("%j → %j", (name, expected) => {
    expect(sanitizeFilename(name)).toBe(expected);
  });

  it("caps the length and keeps the extension", () => {
    const name = sanitizeFilename(`${"é".repeat(300)}.docx`);
    expect([...name]).toHaveLength(180);
    expect(name.endsWith(".docx")).toBe(true);
  });
});

describe("servedContentType", () => {
  it.each([
    ["text/html", "application/octet-stream"],
    ["text/html; charset=utf-8", "application/octet-stream"],
    ["image/svg+xml", "application/octet-stream"],
    ["application/xhtml+xml", "application/octet-stream"],
    ["text/xml", "application/octet-stream"],
    ["application/javascript", "application/octet-stream"],
    ["not a type", "application/octet-stream"],
    ["IMAGE/PNG", "image/png"],
    ["application/pdf", "application/pdf"],
    ["text/plain; charset=iso-8859-1", "text/plain"],
  ])("%j → %j", (declared, served) => {
    expect(servedContentType(declared)).toBe(served);
  });
});

describe("attachmentDisposition", () => {
  it("is always a download, with an ASCII fallback and the exact name per RFC 6266", () => {
    expect(attachmentDisposition('Quote "Q4" 100%.pdf')).toBe(
      `attachment; filename="Quote _Q4_ 100_.pdf"; filename*=UTF-8''Quote%20%22Q4%22%20100%25.pdf`,
    );
    expect(attachmentDisposition("日本語's.txt")).toBe(
      `attachment; filename="___'s.txt"; filename*=UTF-8''%E6%97%A5%E6%9C%AC%E8%AA%9E%27s.txt`,
    );
  });
});

describe("admitAttachments", () => {
  it("keeps parts within the size limit and names the others", () => {
    const { kept, notice } = admitAttachments(
      [
        { filename: "a.txt", size: 10 },
        { filename: "big.iso", size: 2 * 1024 * 1024 },
      ],
      1024 * 1024,
    );
    expect(kept.map((part) => part.filename)).toEqual(["a.txt"]);
    expect(notice).toBe("[Attachments not kept: big.iso (2.0 MB, over the 1.0 MB limit).]");
  });

  it("keeps at most 100 parts", () => {
    const parts = Array.from({ length: 130 }, (_, index) => ({ filename: `p${index}`, size: 1 }));
    const { kept, notice } = admitAttachments(parts, 10);
    expect(kept).toHaveLength(maxAttachmentsPerMessage);
    expect(notice).toContain("p100 (more than 100 attachments)");
    expect(notice).toContain("and 20 more");
  });

  it("says nothing when everything is kept", () => {
    expect(admitAttachments([{ filename: "a", size: 1 }], 1).notice).toBeNull();
  });
});

describe("uploadRefusal", () => {
  it.each([
    ["setup.exe", "application/octet-stream"],
    ["invoice.pdf.exe", "application/pdf"],
    ["INSTALL.MSI", "application/octet-stream"],
    ["run.ps1. ", "text/plain"],
    ["update.bat", "text/plain"],
    ["shortcut.lnk", "application/octet-stream"],
    ["harmless.bin", "application/x-msdownload"],
    ["report.pdf", "application/vnd.microsoft.portable-executable; charset=binary"],
  ])("refuses %j sent as %j", (filename, contentType) => {
    expect(uploadRefusal(filename, contentType)).toMatch(/not accepted/);
  });

  it.each([
    ["screenshot.png", "image/png"],
    ["app.log", "text/plain"],
    ["sample.js", "text/javascript"],
    ["tools.zip", "application/zip"],
    ["exe", "application/octet-stream"],
  ])("keeps %j sent as %j", (filename, contentType) => {
    expect(uploadRefusal(filename, contentType)).toBeNull();
  });
});

describe("declaredMediaType", () => {
  it.each([
    ["image/PNG; name=x.png", "image/png"],
    ["not a type", "application/octet-stream"],
    [undefined, "application/octet-stream"],
  ])("%j → %j", (declared, expected) => {
    expect(declaredMediaType(declared)).toBe(expected);
  });
});
