// autocannon ships no types; these cover the options and results the bench uses.
declare module "autocannon" {
  interface Histogram {
    average: number;
    total: number;
    p50: number;
    p99: number;
  }

  export interface AutocannonOptions {
    url: string;
    method?: "GET" | "POST";
    headers?: Record<string, string>;
    body?: string;
    /** Replaces each `[<id>]` in the body with a fresh random id per request. */
    idReplacement?: boolean;
    connections?: number;
    duration?: number;
  }

  export interface AutocannonResult {
    duration: number;
    requests: Histogram;
    latency: Histogram;
    /** Connection errors, timeouts included. */
    errors: number;
    non2xx: number;
  }

  export default function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
}
