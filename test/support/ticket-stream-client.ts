/** A client of the live stream (`GET /api/v1/stream`) over a real socket, for tests. */

export interface StreamEvent {
  event: string;
  data: string;
}

/** Opens `GET /api/v1/stream` on a Tend listening at `baseUrl` and reads its events as they arrive. */
export async function openTicketStream(baseUrl: string, headers: Record<string, string>) {
  const abort = new AbortController();
  const response = await fetch(`${baseUrl}/api/v1/stream`, {
    headers: { accept: "text/event-stream", ...headers },
    signal: abort.signal,
  });
  if (!response.body) throw new Error("no body");
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const events: StreamEvent[] = [];
  const comments: string[] = [];
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end = buffer.indexOf("\n\n");
        while (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const lines = block.split("\n");
          comments.push(...lines.filter((l) => l.startsWith(":")).map((l) => l.slice(1).trim()));
          const event = lines.find((l) => l.startsWith("event: "))?.slice(7);
          const data = lines.find((l) => l.startsWith("data: "))?.slice(6);
          if (event && data !== undefined) events.push({ event, data });
          end = buffer.indexOf("\n\n");
        }
      }
    } catch {
      // Aborted by the test.
    }
  })();
  /** Waits for a ticket event about `number`, failing after `timeoutMs`. */
  const ticketEvent = async (number: number, timeoutMs = 1000) => {
    const started = Date.now();
    for (;;) {
      const found = events
        .filter((e) => e.event === "ticket")
        .map((e) => JSON.parse(e.data))
        .filter((d) => d.number === number);
      if (found.length > 0) return found;
      if (Date.now() - started > timeoutMs) throw new Error(`no event for #${number} in ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const close = async () => {
    abort.abort();
    await pump;
  };
  return { response, events, comments, ticketEvent, close };
}

/** Waits until `condition` holds, failing after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 1000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
