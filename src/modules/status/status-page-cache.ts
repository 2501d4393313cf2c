import { createHash } from "node:crypto";
import { brotliCompressSync, gzipSync, constants as zlibConstants } from "node:zlib";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Clock } from "../../shared/clock.js";

/**
 * The public page served from memory. One snapshot at a time; each representation (a page, a JSON
 * document) is rendered once per snapshot and kept as bytes with a strong ETag. A snapshot older than
 * `maxAgeMs` is rebuilt in the background while requests keep getting the current bytes, and only one
 * rebuild runs at a time — an incident's traffic spike costs the database one read every few seconds.
 * A change made in this process (`statusPageChanged()`) makes the next request wait for a fresh one;
 * other processes converge through `maxAgeMs`.
 */

export interface Representation {
  body: Buffer;
  etag: string;
  contentType: string;
  /** Compressed copies, made on first request for them and kept as long as the representation. */
  encoded?: Partial<Record<ContentCoding, { body: Buffer; etag: string }>>;
}

export type ContentCoding = "br" | "gzip";

/** Below this, compressing costs more than the bytes it saves. */
const compressFromBytes = 1024;

/**
 * The coding to answer with: Brotli, else gzip, when the client accepts it (a `q=0` refuses). The 90-day
 * bars make the page a few hundred kilobytes of very repetitive HTML; compressed it is a small fraction,
 * which is most of what holding an incident's traffic spike costs.
 */
export function preferredCoding(acceptEncoding: string | undefined): ContentCoding | null {
  if (!acceptEncoding) return null;
  const accepted = new Set<string>();
  for (const part of acceptEncoding.toLowerCase().split(",")) {
    const [coding, ...parameters] = part.trim().split(";");
    const refused = parameters.some((parameter) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(parameter));
    if (coding && !refused) accepted.add(coding.trim());
  }
  if (accepted.has("br")) return "br";
  if (accepted.has("gzip")) return "gzip";
  return null;
}

function codingEtag(etag: string, coding: ContentCoding): string {
  return `${etag.slice(0, -1)}-${coding}"`;
}

/** The representation's bytes in `coding`, compressed once; a distinct strong ETag per coding (RFC 9110). */
export function encodedBody(representation: Representation, coding: ContentCoding) {
  representation.encoded ??= {};
  let variant = representation.encoded[coding];
  if (!variant) {
    const body =
      coding === "br"
        ? brotliCompressSync(representation.body, {
            params: {
              // Quality 5 compresses this HTML nearly as well as 11 in a fraction of the time.
              [zlibConstants.BROTLI_PARAM_QUALITY]: 5,
              [zlibConstants.BROTLI_PARAM_SIZE_HINT]: representation.body.length,
            },
          })
        : gzipSync(representation.body);
    variant = { body, etag: codingEtag(representation.etag, coding) };
    representation.encoded[coding] = variant;
  }
  return variant;
}

/**
 * Answers with a representation: ETag, 304 on a matching If-None-Match (any coding's tag: they carry the
 * same content), and the body compressed when the client accepts it. `headers` go first (security
 * headers, CORS), then the representation's own.
 */
export function replyWithRepresentation(
  request: FastifyRequest,
  reply: FastifyReply,
  representation: Representation,
  options: { cacheControl: string; status?: number; headers?: Record<string, string> },
) {
  const status = options.status ?? 200;
  const coding =
    representation.body.length >= compressFromBytes
      ? preferredCoding(request.headers["accept-encoding"])
      : null;
  const variant = coding ? encodedBody(representation, coding) : representation;
  if (options.headers) reply.headers(options.headers);
  reply.headers({
    etag: variant.etag,
    "cache-control": options.cacheControl,
    "content-type": representation.contentType,
    vary: "Accept-Encoding",
  });
  if (coding) reply.header("content-encoding", coding);
  const ifNoneMatch = request.headers["if-none-match"];
  // Worked out, not looked up: a rebuilt snapshot with the same content has the same tags before anyone
  // has asked it for a compressed copy.
  const tags = [
    representation.etag,
    codingEtag(representation.etag, "br"),
    codingEtag(representation.etag, "gzip"),
  ];
  if (status === 200 && tags.some((tag) => etagMatches(ifNoneMatch, tag))) {
    reply.removeHeader("content-encoding");
    return reply.status(304).send();
  }
  return reply.status(status).send(variant.body);
}

let changeGeneration = 0;

/**
 * Tells every cache in this process that what the page shows changed: call it after the change is
 * committed (a rebuild started before the commit would read the old state until the next one).
 */
export function statusPageChanged(): void {
  changeGeneration += 1;
}

export function representationOf(body: string, contentType: string): Representation {
  const bytes = Buffer.from(body, "utf8");
  return {
    body: bytes,
    etag: `"${createHash("sha256").update(bytes).digest("base64url").slice(0, 32)}"`,
    contentType,
  };
}

/** RFC 9110's weak comparison, which If-None-Match uses: `W/` is ignored, `*` matches anything. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(",")
    .map((tag) => tag.trim().replace(/^W\//, ""))
    .some((tag) => tag === "*" || tag === etag);
}

interface Built<S> {
  snapshot: S;
  builtAt: number;
  generation: number;
  representations: Map<string, Promise<Representation>>;
}

export class StatusPageCache<S> {
  private current: Built<S> | null = null;
  private rebuilding: Promise<Built<S>> | null = null;

  constructor(private readonly options: { clock: Clock; maxAgeMs: number; load: () => Promise<S> }) {}

  /** The bytes of one representation of the current snapshot, rendered on first use. */
  async representation(key: string, render: (snapshot: S) => Promise<Representation> | Representation) {
    const built = await this.fresh();
    let rendered = built.representations.get(key);
    if (!rendered) {
      rendered = Promise.resolve(render(built.snapshot));
      built.representations.set(key, rendered);
      rendered.catch(() => built.representations.delete(key));
    }
    return rendered;
  }

  async snapshot(): Promise<S> {
    return (await this.fresh()).snapshot;
  }

  /** Resolves once no rebuild is running (tests wait on the background one). */
  async settled(): Promise<void> {
    while (this.rebuilding) await this.rebuilding.catch(() => undefined);
  }

  private async fresh(): Promise<Built<S>> {
    const current = this.current;
    if (!current) return this.rebuild();
    if (this.rebuilding) return current;
    if (current.generation !== changeGeneration) return this.rebuild();
    if (this.options.clock.now().getTime() - current.builtAt > this.options.maxAgeMs) {
      this.rebuild().catch(() => undefined);
    }
    return current;
  }

  private rebuild(): Promise<Built<S>> {
    if (this.rebuilding) return this.rebuilding;
    // The generation is read before the snapshot: a change committed during the read marks it stale.
    const generation = changeGeneration;
    const builtAt = this.options.clock.now().getTime();
    const rebuilding = this.options
      .load()
      .then((snapshot) => {
        const built = { snapshot, builtAt, generation, representations: new Map() };
        this.current = built;
        return built;
      })
      .finally(() => {
        this.rebuilding = null;
      });
    this.rebuilding = rebuilding;
    return rebuilding;
  }
}
