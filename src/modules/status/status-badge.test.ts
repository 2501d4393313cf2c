import { DomUtils, parseDocument } from "htmlparser2";
import { describe, expect, it } from "vitest";
import {
  badgeColours,
  escapeXml,
  formatUptime,
  overallBadge,
  renderBadge,
  stateBadge,
  textWidth,
  uptimeBadge,
} from "./status-badge.js";

function parsedBadge(svg: string) {
  const document = parseDocument(svg, { xmlMode: true });
  const root = DomUtils.findOne((node) => node.name === "svg", document.children);
  if (!root) throw new Error("no <svg> element");
  const texts = DomUtils.findAll((node) => node.name === "text", document.children).map((node) =>
    DomUtils.textContent(node),
  );
  const rects = DomUtils.findAll((node) => node.name === "rect", document.children);
  return { root, texts, rects };
}

describe("status badges", () => {
  it("draws the label and the state's words on the state's colour", () => {
    const svg = renderBadge(stateBadge("API", "partial_outage"));
    const { root, texts, rects } = parsedBadge(svg);
    expect(texts).toEqual(["API", "partial outage"]);
    expect(root.attribs["aria-label"]).toBe("API: partial outage");
    // The first rect is the clip path; then the label's half and the message's.
    expect(rects[2]?.attribs.fill).toBe(badgeColours.orange);
    expect(Number(root.attribs.width)).toBe(
      Number(rects[1]?.attribs.width) + Number(rects[2]?.attribs.width),
    );
  });

  it("escapes text, so a hostile name is shown as written and adds no element", () => {
    const name = `<script>alert("x")</script> & 'Co'`;
    const svg = renderBadge(stateBadge(name, "operational"));
    const { texts } = parsedBadge(svg);
    expect(texts[0]).toBe(name);
    expect(svg).not.toContain("<script>");
    expect(escapeXml(`<&>"'`)).toBe("&lt;&amp;&gt;&quot;&apos;");
  });

  it("grows with its text: wide letters take more room than narrow ones", () => {
    expect(textWidth("mmmm")).toBeGreaterThan(textWidth("iiii") * 2);
    const short = parsedBadge(renderBadge(stateBadge("DB", "operational"))).root;
    const long = parsedBadge(renderBadge(stateBadge("Customer database in Frankfurt", "operational"))).root;
    expect(Number(long.attribs.width)).toBeGreaterThan(Number(short.attribs.width) + 100);
  });

  it("says the page's overall indicator in a component state's words", () => {
    expect(overallBadge("status", "none")).toEqual({
      label: "status",
      message: "operational",
      colour: badgeColours.green,
    });
    expect(overallBadge("status", "critical").message).toBe("major outage");
    expect(overallBadge("status", "maintenance").colour).toBe(badgeColours.blue);
  });

  it("colours uptime against the target and the 97% line, grey without data", () => {
    expect(uptimeBadge("uptime", 0.9996, 0.995)).toEqual({
      label: "uptime",
      message: "99.96%",
      colour: badgeColours.green,
    });
    expect(uptimeBadge("uptime", 0.99, 0.995).colour).toBe(badgeColours.orange);
    expect(uptimeBadge("uptime", 0.95, 0.995).colour).toBe(badgeColours.red);
    expect(uptimeBadge("uptime", null, 0.995)).toMatchObject({
      message: "no data",
      colour: badgeColours.grey,
    });
  });

  it("never rounds uptime up to 100%", () => {
    expect(formatUptime(0.99999)).toBe("99.99%");
    expect(formatUptime(1)).toBe("100.00%");
    expect(formatUptime(0.5)).toBe("50.00%");
  });
});
