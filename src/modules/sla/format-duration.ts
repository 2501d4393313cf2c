const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * An amount of (business) time as a support manager reads it: "3 h 12 m", "45 m", "24 h", "5 d".
 * Only whole days beyond one become "d": targets are quoted as "24 h", and "1 d 2 h" of business time
 * would read like a calendar day.
 * Amounts round down, so "left" never promises more time than there is; under a minute shows seconds.
 */
export function formatDuration(ms: number): string {
  const amount = Math.max(0, Math.floor(ms));
  if (amount > DAY_MS && amount % DAY_MS === 0) return `${amount / DAY_MS} d`;
  if (amount === 0) return "0 m";
  if (amount < MINUTE_MS) return `${Math.floor(amount / SECOND_MS)} s`;
  const hours = Math.floor(amount / HOUR_MS);
  const minutes = Math.floor((amount % HOUR_MS) / MINUTE_MS);
  if (hours === 0) return `${minutes} m`;
  return minutes === 0 ? `${hours} h` : `${hours} h ${minutes} m`;
}

/** "3 h 12 m of 24 h": time consumed against the promise. */
export function formatUsedOf(usedMs: number, targetMs: number): string {
  return `${formatDuration(usedMs)} of ${formatDuration(targetMs)}`;
}

/** An instant in UTC to the minute, seconds only when there are some: "2026-11-23 09:00 UTC". */
export function formatInstant(at: Date): string {
  const iso = at.toISOString();
  const seconds = iso.slice(17, 23);
  const time = seconds === "00.000" ? iso.slice(11, 16) : iso.slice(11, 19);
  return `${iso.slice(0, 10)} ${time} UTC`;
}
