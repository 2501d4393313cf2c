import { describe, expect, it } from "vitest";
import { ValidationError } from "../../errors.js";
import { commentBody } from "./comment-body.js";

describe("comment bodies", () => {
  it("derives escaped HTML paragraphs from plain text", () => {
    expect(commentBody({ body: "Hi <team>,\nline two\n\nNext & last" })).toEqual({
      text: "Hi <team>,\nline two\n\nNext & last",
      html: "<p>Hi &#60;team&#62;,<br>line two</p><p>Next &#38; last</p>",
    });
  });

  it("strips scripts, event handlers and javascript: links from HTML, and derives the text", () => {
    const body = commentBody({
      bodyHtml:
        '<p onclick="steal()">Restart the <b>worker</b></p><script>alert(1)</script><a href="javascript:alert(1)">x</a><a href="https://status.example">status</a>',
    });
    expect(body.html).not.toMatch(/script|onclick|javascript/);
    expect(body.html).toContain(
      '<a href="https://status.example" rel="noopener noreferrer nofollow">status</a>',
    );
    expect(body.text).toBe("Restart the worker\n\nxstatus");
  });

  it("refuses an empty body naming the field", () => {
    expect(() => commentBody({ body: "   " })).toThrow(ValidationError);
    expect(() => commentBody({ bodyHtml: "<p> </p><script>x</script>" })).toThrow(/bodyHtml/);
  });
});
