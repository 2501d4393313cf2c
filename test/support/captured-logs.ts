import pino from "pino";

/** A log line as pino writes it: its level as a number (40 warn, 50 error), `msg` and the details. */
export type LogLine = { level: number; msg: string } & Record<string, unknown>;

/** A real pino logger whose lines a test reads back, to assert what an operator would be told. */
export interface CapturedLogs {
  logger: pino.Logger;
  lines: LogLine[];
}

export function captureLogs(): CapturedLogs {
  const lines: LogLine[] = [];
  const logger = pino({ level: "debug" }, { write: (line: string) => lines.push(JSON.parse(line)) });
  return { logger, lines };
}
