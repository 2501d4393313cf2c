import Parser from "rss-parser";
import { describe, expect, it } from "vitest";
import { buildStatusFeeds, type FeedIncident, type FeedMaintenance } from "./status-feeds.js";

const parser = new Parser();

const outage: FeedIncident = {
  id: "inc-1",
  title: "Elevated API errors",
  state: "identified",
  impact: "major",
  startedAt: "2026-11-20T10:00:00.000Z",
  resolvedAt: null,
  componentNames: ["API", "Webhooks"],
  latestUpdate: { body: "We found the faulty deploy.\n\nRolling back now.", at: "2026-11-20T10:30:00.000Z" },
};

const upgrade: FeedMaintenance = {
  id: "mnt-1",
  title: "Database upgrade",
  description: "Read-only for up to an hour.",
  startsAt: "2026-11-25T08:00:00.000Z",
  endsAt: "2026-11-25T09:00:00.000Z",
  cancelledAt: null,
  createdAt: "2026-11-18T12:00:00.000Z",
  updatedAt: "2026-11-21T12:00:00.000Z",
  componentNames: ["Database"],
};

const input = {
  publicUrl: "https://status.example.com/",
  pageTitle: "Example status",
  incidents: [outage],
  maintenances: [upgrade],
  limit: 50,
};

describe("status feeds", () => {
  it("lists incidents and maintenance in RSS 2.0, newest change first, with absolute links", async () => {
    const feed = await parser.parseString((await buildStatusFeeds(input)).rss);
    expect(feed.title).toBe("Example status");
    expect(feed.link).toBe("https://status.example.com/status");
    expect(feed.items.map((item) => item.link)).toEqual([
      "https://status.example.com/status/maintenances/mnt-1",
      "https://status.example.com/status/incidents/inc-1",
    ]);
    const incident = feed.items[1];
    expect(incident?.title).toBe("Elevated API errors");
    expect(incident?.isoDate).toBe("2026-11-20T10:00:00.000Z");
    expect(incident?.content).toContain("State: Identified · Impact: Major");
    expect(incident?.content).toContain("Affects: API, Webhooks");
    expect(incident?.content).toContain("<p>Rolling back now.</p>");
    expect(feed.items[0]?.title).toBe("Scheduled maintenance: Database upgrade");
  });

  it("gives Atom entries their published and updated times", async () => {
    const atom = (await buildStatusFeeds(input)).atom;
    const feed = await parser.parseString(atom);
    expect(feed.items).toHaveLength(2);
    const incident = feed.items.find((item) => item.link?.endsWith("/incidents/inc-1"));
    expect(incident?.id).toBe("https://status.example.com/status/incidents/inc-1");
    expect(incident?.pubDate).toBe("2026-11-20T10:00:00.000Z");
    expect(atom).toContain("<updated>2026-11-20T10:30:00.000Z</updated>");
    expect(atom).toContain("<updated>2026-11-21T12:00:00.000Z</updated>");
  });

  it("marks a cancelled window and dates a resolved incident by its resolution", async () => {
    const { atom } = await buildStatusFeeds({
      ...input,
      incidents: [{ ...outage, state: "resolved", resolvedAt: "2026-11-22T09:00:00.000Z" }],
      maintenances: [{ ...upgrade, cancelledAt: "2026-11-21T12:00:00.000Z" }],
    });
    const feed = await parser.parseString(atom);
    expect(feed.items.map((item) => item.title)).toEqual([
      "Elevated API errors",
      "Cancelled: Database upgrade",
    ]);
    expect(atom).toContain("<updated>2026-11-22T09:00:00.000Z</updated>");
  });

  it("keeps the newest entries up to the limit", async () => {
    const incidents = Array.from({ length: 60 }, (_, n) => ({
      ...outage,
      id: `inc-${n}`,
      latestUpdate: { body: "Update", at: new Date(Date.UTC(2026, 9, 1) + n * 3_600_000).toISOString() },
    }));
    const feed = await parser.parseString((await buildStatusFeeds({ ...input, incidents, limit: 50 })).rss);
    expect(feed.items).toHaveLength(50);
    expect(feed.items[0]?.link).toContain("/status/maintenances/mnt-1");
    expect(feed.items[1]?.link).toContain("/status/incidents/inc-59");
    expect(feed.items.some((item) => item.link?.endsWith("/inc-10"))).toBe(false);
  });

  it("escapes text, so a title cannot break out of its CDATA or inject markup", async () => {
    const hostile = {
      ...outage,
      title: "Outage ]]> <b>bold</b> & more",
      latestUpdate: { body: "<img src=x>", at: outage.startedAt },
    };
    const { rss, atom } = await buildStatusFeeds({ ...input, incidents: [hostile] });
    for (const xml of [rss, atom]) {
      const feed = await parser.parseString(xml);
      const item = feed.items.find((entry) => entry.link?.includes("/incidents/"));
      expect(item?.title).toBe("Outage ]]&gt; &lt;b&gt;bold&lt;/b&gt; &amp; more");
      expect(item?.content).toContain("&lt;img src=x&gt;");
      expect(item?.content).not.toContain("<img");
    }
  });

  it("gives the same bytes for the same input, so the ETag only changes with the news", async () => {
    expect(await buildStatusFeeds(input)).toEqual(await buildStatusFeeds(input));
    expect((await buildStatusFeeds({ ...input, incidents: [] })).rss).toContain(
      "<lastBuildDate>Sat, 21 Nov 2026",
    );
  });
});
