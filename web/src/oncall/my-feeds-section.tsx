import { FormProblems, LoadState, useLoaded, useSubmission } from "../admin/form-controls.js";
import { api } from "../api.js";
import { useMe } from "../session.js";
import { feedSubject, ownsFeed } from "./debrief-data.js";
import type { FeedView, ScheduleView } from "./oncall-data.js";
import "./debrief.css";

/**
 * The calendar feeds the signed-in person made or that show their shifts, each revocable: the
 * address is the credential, so one that leaked (pasted in a shared calendar, a screenshot) must
 * stop working. The address itself was shown once, when made; Tend keeps only its hash.
 */
export function MyFeedsSection({
  heading: Heading = "h2",
  revision,
}: {
  heading?: "h2" | "h3";
  /** Changes when a feed was just made elsewhere on the page, so the list shows it. */
  revision?: string | null;
}) {
  const me = useMe();
  const revocation = useSubmission([]);
  const loaded = useLoaded(async () => {
    const [{ feeds }, { schedules }] = await Promise.all([
      api<{ feeds: FeedView[] }>("GET", "/oncall/feeds"),
      api<{ schedules: ScheduleView[] }>("GET", "/oncall/schedules"),
    ]);
    return {
      feeds: feeds.filter((feed) => ownsFeed(me.id, feed)),
      scheduleNames: new Map(schedules.map((schedule) => [schedule.id, schedule.name])),
    };
  }, [revision, me.id]);
  const revoke = (feed: FeedView) =>
    revocation.run(async () => {
      await api("DELETE", `/oncall/feeds/${feed.id}`);
      loaded.reload();
    });
  return (
    <section className="my-feeds-section" aria-labelledby="my-feeds-title">
      <Heading id="my-feeds-title">My calendar feeds</Heading>
      {loaded.value === null && <LoadState error={loaded.error} what="Calendar feeds" />}
      {loaded.value?.feeds.length === 0 && (
        <p className="muted">None: subscribe from a schedule's page to get a calendar address.</p>
      )}
      {loaded.value && loaded.value.feeds.length > 0 && (
        <>
          <p className="muted">
            An address is shown only when it is made. Lost it, or shared it by mistake? Revoke it, then
            subscribe again for a new one.
          </p>
          <ul className="my-feeds" aria-label="My calendar feeds">
            {loaded.value.feeds.map((feed) => {
              const subject = feedSubject(feed, me.id, loaded.value?.scheduleNames ?? new Map());
              return (
                <li key={feed.id}>
                  <span>
                    {subject}{" "}
                    <span className="muted">
                      made{" "}
                      <time dateTime={feed.createdAt}>{new Date(feed.createdAt).toLocaleDateString()}</time>
                    </span>
                  </span>
                  <button type="button" disabled={revocation.busy} onClick={() => revoke(feed)}>
                    Revoke<span className="visually-hidden"> the calendar feed of {subject}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </>
      )}
      <FormProblems problems={revocation.problems} />
    </section>
  );
}
