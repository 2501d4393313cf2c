import { describe, expect, it } from "vitest";
import { slugify, snippetParts, suggestionTerms } from "./article-rules.js";
import { articlePlainText, renderArticleHtml } from "./render-markdown.js";

describe("renderArticleHtml", () => {
  it("renders Markdown: headings, emphasis, lists, code and links", () => {
    const html = renderArticleHtml(
      "# Reset\n\nOpen **Settings**, then:\n\n1. Click `Reset`\n2. See [docs](https://tend.example/docs)",
    );
    expect(html).toContain("<h1>Reset</h1>");
    expect(html).toContain("<strong>Settings</strong>");
    expect(html).toContain("<ol>");
    expect(html).toContain("<code>Reset</code>");
    expect(html).toContain('<a href="https://tend.example/docs" rel="noopener noreferrer nofollow">docs</a>');
  });

  it("never lets a script, raw HTML or an event handler through", () => {
    const html = renderArticleHtml(
      '<script>alert(1)</script>\n\n<img src=x onerror="alert(2)">\n\n<div style="color:red">raw</div>',
    );
    expect(html).not.toMatch(/<(script|img|div)\b/i);
    expect(html).not.toMatch(/<[^>]*\s(onerror|style)=/i);
    // Raw HTML is shown as the text it is, not interpreted.
    expect(html).toContain("&lt;script&gt;");
  });

  it("drops javascript:, data: and vbscript: links but keeps their text", () => {
    for (const href of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      "data:text/html;base64,PHNjcmlwdD4=",
      "vbscript:x",
    ]) {
      const html = renderArticleHtml(`[click me](${href})`);
      expect(html).toContain("click me");
      expect(html).not.toContain("<a");
    }
    for (const autolink of ["<javascript:alert(1)>", "<JAVASCRIPT:alert(1)>"]) {
      expect(renderArticleHtml(autolink)).not.toMatch(/href=/i);
    }
  });

  it("allows images over https only", () => {
    expect(renderArticleHtml("![chart](https://tend.example/a.png)")).toContain(
      'src="https://tend.example/a.png"',
    );
    expect(renderArticleHtml("![chart](http://tend.example/a.png)")).not.toContain(
      "http://tend.example/a.png",
    );
  });
});

describe("articlePlainText", () => {
  it("keeps the words a reader sees and none of the syntax or URLs", () => {
    const text = articlePlainText(
      "## Billing\n\nPay by **card** at [the portal](https://pay.example/x).\n\n```\ntend pay\n```",
    );
    expect(text).toBe("Billing Pay by card at the portal. tend pay");
  });
});

describe("suggestionTerms", () => {
  it("keeps telling words once, subject first, without filler or short words", () => {
    expect(suggestionTerms("Password reset", "Hi, I can not reset my password for the VPN")).toEqual([
      "password",
      "reset",
      "vpn",
    ]);
    expect(suggestionTerms("Hi", "")).toEqual([]);
  });
});

describe("slugify and snippetParts", () => {
  it("makes a readable slug", () => {
    expect(slugify("Réinitialiser: your Password!")).toBe("reinitialiser-your-password");
    expect(slugify("!!!")).toBe("article");
  });

  it("splits a marked snippet into parts", () => {
    expect(snippetParts("a \u0002b\u0003 c", "\u0002", "\u0003")).toEqual([
      { text: "a ", match: false },
      { text: "b", match: true },
      { text: " c", match: false },
    ]);
  });
});
