import pino from "pino";

type LogFn = (details: object, message?: string) => void;

/** The slice of pino that domain code uses; Fastify's request logger and pino both satisfy it. */
export interface Logger {
  debug: LogFn;
  info: LogFn;
  warn: LogFn;
  error: LogFn;
  child(bindings: Record<string, unknown>): Logger;
}

export function createLogger(level: string): pino.Logger {
  return pino({ level, base: { service: "tend" } });
}
