/** "09:00-12:00, 13:00-17:00" for a day's windows; "" when closed. */
export function windowsText(windows: readonly (readonly [string, string])[] | undefined): string {
  return (windows ?? []).map(([from, until]) => `${from}-${until}`).join(", ");
}

/** A day's hours as typed, or null when they are not written as "HH:MM-HH:MM, …". */
export function parseWindows(text: string): [string, string][] | null {
  const windows: [string, string][] = [];
  for (const part of text
    .split(",")
    .map((piece) => piece.trim())
    .filter(Boolean)) {
    const match = /^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$/.exec(part);
    if (!match) return null;
    const [, fromHour = "", fromMinute, untilHour = "", untilMinute] = match;
    windows.push([
      `${fromHour.padStart(2, "0")}:${fromMinute}`,
      `${untilHour.padStart(2, "0")}:${untilMinute}`,
    ]);
  }
  return windows;
}
