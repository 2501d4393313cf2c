import { useEffect, useRef, useState } from "react";
import { FormProblems, useSubmission } from "../admin/form-controls.js";
import { api } from "../api.js";
import { useMe } from "../session.js";
import { MyFeedsSection } from "./my-feeds-section.js";
import type { FeedView, ScheduleView } from "./oncall-data.js";

/** A feed's secret address, shown this once: Tend keeps only its hash. */
function FeedUrl({ url, what }: { url: string; what: string }) {
  const [copied, setCopied] = useState("");
  const field = useRef<HTMLInputElement>(null);
  useEffect(() => field.current?.focus(), []);
  return (
    <div className="new-secret">
      <p>
        Calendar feed of {what}: add this address to your calendar app. Copy it now; it cannot be shown again.
      </p>
      <label htmlFor="feed-url">Calendar URL</label>
      <input ref={field} id="feed-url" readOnly value={url} onFocus={(e) => e.currentTarget.select()} />
      <div className="row-actions">
        <button
          type="button"
          className="primary"
          onClick={() =>
            navigator.clipboard
              .writeText(url)
              .then(() => setCopied("Copied."))
              .catch(() => setCopied("Copying was refused: select the address and copy it yourself."))
          }
        >
          Copy
        </button>
      </div>
      <p role="status">{copied}</p>
    </div>
  );
}

/** "Subscribe": a secret iCalendar address for this schedule, or for your own shifts in every schedule. */
export function SubscribeSection({ schedule }: { schedule: ScheduleView }) {
  const me = useMe();
  const submission = useSubmission([]);
  const [made, setMade] = useState<{ url: string; what: string } | null>(null);
  const subscribe = (body: { scheduleId: string } | { personId: string }, what: string) =>
    submission.run(async () => {
      const feed = await api<FeedView>("POST", "/oncall/feeds", body);
      if (feed.url) setMade({ url: feed.url, what });
    });
  return (
    <section aria-labelledby="subscribe-title">
      <h2 id="subscribe-title">Subscribe</h2>
      <p className="muted">
        A private address your calendar app reads without signing in: keep it to yourself.
      </p>
      <div className="row-actions">
        <button
          type="button"
          disabled={submission.busy}
          onClick={() => subscribe({ scheduleId: schedule.id }, `“${schedule.name}”`)}
        >
          Subscribe to this schedule
        </button>
        <button
          type="button"
          disabled={submission.busy}
          onClick={() => subscribe({ personId: me.id }, "your shifts in every schedule")}
        >
          Subscribe to my shifts
        </button>
      </div>
      <FormProblems problems={submission.problems} />
      {made && <FeedUrl key={made.url} url={made.url} what={made.what} />}
      <MyFeedsSection heading="h3" revision={made?.url ?? null} />
    </section>
  );
}
