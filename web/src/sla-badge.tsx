import { useNow } from "./use-now.js";

/** "2h 05m", "14m 09s": precise enough to act on, short enough for a list cell. */
export function formatRemaining(ms: number): string {
  const seconds = Math.floor(Math.abs(ms) / 1000);
  const days = Math.floor(seconds / 86_400);
  const hours = Math.floor((seconds % 86_400) / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, "0");
  if (days > 0) return `${days}d ${hours}h`;
  if (hours > 0) return `${hours}h ${pad(minutes)}m`;
  return `${minutes}m ${pad(seconds % 60)}s`;
}

export type SlaTone = "ok" | "warning" | "breached";

export function slaTone(now: number, dueAt: string, warnAt: string | null | undefined): SlaTone {
  if (now >= Date.parse(dueAt)) return "breached";
  if (warnAt && now >= Date.parse(warnAt)) return "warning";
  return "ok";
}

/**
 * The nearest promise owed, counting down every second: amber from its warning time, red once
 * breached (then counting how long ago). Counts wall-clock time: a clock paused outside business
 * hours shows its due time, which the server already moved past the closed hours.
 */
export function SlaBadge({
  dueAt,
  warnAt,
  label,
}: {
  dueAt: string | null;
  warnAt?: string | null;
  label?: string;
}) {
  const now = useNow();
  if (!dueAt) return <span className="sla-badge none">No SLA due</span>;
  const tone = slaTone(now, dueAt, warnAt);
  const remaining = Date.parse(dueAt) - now;
  const text =
    tone === "breached" ? `Breached ${formatRemaining(remaining)} ago` : `${formatRemaining(remaining)} left`;
  return (
    <time
      className={`sla-badge ${tone}`}
      dateTime={dueAt}
      title={`${label ?? "Next SLA"} due ${new Date(dueAt).toLocaleString()}`}
    >
      {text}
    </time>
  );
}
