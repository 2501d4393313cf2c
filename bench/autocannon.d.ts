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
    /** Requests each connection sends in turn; `setupRequest` may change each one before it goes. */
    requests?: AutocannonRequest[];
  }

  export interface AutocannonRequest {
    method?: "GET" | "POST";
    path?: string;
    headers?: Record<string, string>;
    body?: string;
    setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
  }

  /** What autocannon returns when given a callback: the run, whose events report each response. */
  export interface AutocannonInstance {
    on(
      event: "response",
      listener: (client: unknown, statusCode: number, bytes: number, responseTimeMs: number) => void,
    ): this;
    on(event: "reqError", listener: (error: Error) => void): this;
  }

  export interface AutocannonResult {
    duration: number;
    requests: Histogram;
    latency: Histogram;
    /** Connection errors, timeouts included. */
    errors: number;
    non2xx: number;
  }

  function autocannon(options: AutocannonOptions): Promise<AutocannonResult>;
  function autocannon(
    options: AutocannonOptions,
    done: (error: Error | null, result: AutocannonResult) => void,
  ): AutocannonInstance;
  export default autocannon;
}
