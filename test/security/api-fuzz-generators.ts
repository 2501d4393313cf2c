import fc from "fast-check";
import type { JsonSchema, OpenApiDocument } from "./openapi-document.js";

/**
 * Requests for the API fuzzer, generated from the OpenAPI document the app serves: bodies, queries
 * and path parameters shaped by each operation's schemas, laced with hostile values. A route added
 * tomorrow is fuzzed tomorrow without touching this file.
 */

export interface FuzzOperation {
  /** `PATCH /api/v1/tickets/{number}` */
  key: string;
  method: string;
  path: string;
  pathParams: string[];
  query: { name: string; schema: JsonSchema }[];
  body: JsonSchema | undefined;
  /** The form of a multipart/form-data operation (an upload): its parts by name. */
  form: JsonSchema | undefined;
}

const httpMethods = ["get", "post", "put", "patch", "delete"];

export function fuzzOperationsOf(document: unknown): {
  operations: FuzzOperation[];
  schemas: Record<string, JsonSchema>;
} {
  const doc = document as OpenApiDocument;
  const operations: FuzzOperation[] = [];
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(byMethod)) {
      if (!httpMethods.includes(method)) continue;
      const parameters = operation.parameters ?? [];
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === "path").map((p) => p.name),
        query: parameters
          .filter((p) => p.in === "query")
          .map((p) => ({ name: p.name, schema: p.schema ?? {} })),
        body: operation.requestBody?.content?.["application/json"]?.schema,
        form: operation.requestBody?.content?.["multipart/form-data"]?.schema,
      });
    }
  }
  return { operations, schemas: doc.components?.schemas ?? {} };
}

/** Strings that have broken web applications: injection, markup, traversal, header splitting, odd unicode. */
export const hostileStrings: readonly string[] = [
  "' OR 1=1 --",
  "'; DROP TABLE tickets; --",
  '"; DROP TABLE tickets; --',
  "1; SELECT pg_sleep(5); --",
  "') UNION SELECT id, email, NULL FROM people --",
  "%' AND 1=0 UNION SELECT sqlite_version() --",
  "\\'",
  "NEAR(",
  'NEAR(subject "a", 2)',
  '"',
  '"unterminated',
  "*",
  "a*",
  "^start",
  "subject:secret",
  "body:internal OR visibility:internal",
  "{subject body}: x",
  "a AND OR NOT b",
  "!",
  "!!a & | b",
  "a & b | !c",
  "a:*",
  "a:* & b:AB",
  "(",
  "a <-> b",
  "../../etc/passwd",
  "..\\..\\windows\\win.ini",
  "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
  "/etc/passwd\u0000.png",
  "value\r\nSet-Cookie: tend_session=stolen",
  "value\r\n\r\n<html>",
  "\n",
  "<img src=x onerror=alert(1)>",
  "<script>alert(1)</script>",
  '<a href="javascript:alert(1)">x</a>',
  "<svg onload=alert(1)>",
  "{{constructor.constructor('alert(1)')()}}",
  `\${7*7}`,
  "__proto__",
  "constructor",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "\udfff",
  "x\ud83dy",
  "\ufeff\u200b\u202e",
  "e\u0301\u0301\u0301",
  "𝕿𝖊𝖓𝖉 👩🏽‍💻",
  "",
  " ",
  "\t\t",
  "null",
  "undefined",
  "NaN",
  "-1",
  "0",
  "99999999999999999999999",
  "1e309",
  "true",
  "[]",
  "{}",
  "00000000-0000-0000-0000-000000000000",
  "ffffffff-ffff-ffff-ffff-ffffffffffff",
  "2026-02-30T25:61:61Z",
  "0000-00-00T00:00:00Z",
  "+275760-09-13T00:00:00.001Z",
  "me",
  "none",
];

/**
 * A URL carries UTF-8, which cannot spell a lone surrogate: encode it as U+FFFD, as a browser
 * would. Bodies still carry lone surrogates raw, through JSON's \u escapes.
 */
export function encodeUrlPart(value: string): string {
  return encodeURIComponent(
    value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, "\ufffd"),
  );
}

const arbitraryUnicode = fc.string({ unit: "binary", maxLength: 40 });

/** A hostile string, sometimes sized around the field's limit and past the body limit. */
export function hostileString(maxLength?: number): fc.Arbitrary<string> {
  const sized: fc.Arbitrary<string>[] = [fc.constant("x".repeat(70 * 1024))];
  if (maxLength !== undefined) {
    sized.push(
      fc.constant("a".repeat(Math.min(maxLength, 60 * 1024))),
      fc.constant("b".repeat(maxLength + 1)),
      fc.constant("\ud83d\ude00".repeat(Math.ceil(Math.min(maxLength, 30 * 1024) / 2))),
    );
  }
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...hostileStrings) },
    { weight: 2, arbitrary: arbitraryUnicode },
    {
      weight: 2,
      arbitrary: fc.tuple(fc.constantFrom(...hostileStrings), arbitraryUnicode).map(([a, b]) => a + b),
    },
    { weight: 1, arbitrary: fc.oneof(...sized) },
  );
}

const hostileNumbers = [-1, 0, -0, 1.5, -2147483649, 2 ** 31, 2 ** 53 + 1, -(2 ** 53), 1e308, -1e308, 5e-324];

function nested(depth: number, kind: "array" | "object"): unknown {
  let value: unknown = "deep";
  for (let i = 0; i < depth; i += 1) value = kind === "array" ? [value] : { a: value };
  return value;
}

/** A value of the wrong type or shape for any field. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString() },
  { weight: 2, arbitrary: fc.constantFrom(...hostileNumbers) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      null,
      true,
      false,
      [],
      {},
      [null],
      { $ne: null },
      JSON.parse(`{"__proto__":1}`),
    ),
  },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(50, 500)
      .chain((d) => fc.constantFrom(nested(d, "array"), nested(d, "object"))),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Identifiers the fixture owns, so generated requests reach real rows and not only 404s. */
export interface IdPools {
  uuids: (paramOrProperty: string, path: string) => string[];
  ticketNumbers: () => number[];
}

export interface GeneratorOptions {
  schemas: Record<string, JsonSchema>;
  pools: IdPools;
  path: string;
  /**
   * Chaos breaks types and shapes anywhere; without it every value fits its schema and only the
   * strings' content is hostile, so requests get past validation into the use cases and the SQL.
   */
  chaos?: boolean;
}

function resolve(schema: JsonSchema, schemas: Record<string, JsonSchema>): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref && hops < 10; hops += 1) {
    const name = current.$ref.replace(/^#\/components\/schemas\//, "");
    current = schemas[name] ?? {};
  }
  return current;
}

function uuidFor(name: string, options: GeneratorOptions): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .constant(null)
        .map(() => options.pools.uuids(name, options.path))
        .chain(pick(fc.uuid())),
    },
    { weight: 1, arbitrary: fc.uuid() },
  );
}

function pick<T>(fallback: fc.Arbitrary<T>) {
  return (values: T[]): fc.Arbitrary<T> => (values.length > 0 ? fc.constantFrom(...values) : fallback);
}

/** A value that matches the schema's shape (type, enum, format, bounds). */
function shapedValue(
  schema: JsonSchema,
  name: string,
  options: GeneratorOptions,
  depth: number,
): fc.Arbitrary<unknown> {
  const s = resolve(schema, options.schemas);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const alternatives = s.anyOf ?? s.oneOf;
  if (alternatives) return fc.oneof(...alternatives.map((a) => shapedValue(a, name, options, depth)));
  const type = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  if (type.length > 1)
    return fc.oneof(...type.map((t) => shapedValue({ ...s, type: t }, name, options, depth)));
  switch (type[0]) {
    case "null":
      return fc.constant(null);
    case "boolean":
      return fc.boolean();
    case "integer": {
      const min = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : -1000);
      const max = s.maximum ?? 1_000_000;
      return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
    }
    case "number": {
      const min = s.minimum ?? s.exclusiveMinimum ?? -1000;
      const max = s.maximum ?? 1_000_000;
      return fc
        .double({ min, max, noNaN: true, noDefaultInfinity: true })
        .filter((n) => n !== s.exclusiveMinimum);
    }
    case "array": {
      const maxLength = Math.min(s.maxItems ?? 4, 4);
      const minLength = Math.min(s.minItems ?? 0, maxLength);
      if (Array.isArray(s.items))
        return fc.tuple(...s.items.map((i) => anyValue(i, name, options, depth + 1)));
      if (depth > 4) return fc.constant([]);
      return fc.array(anyValue(s.items ?? {}, name, options, depth + 1), { minLength, maxLength });
    }
    case "object":
      return objectValue(s, options, depth);
    case "string":
      return stringValue(s, name, options);
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringValue(s: JsonSchema, name: string, options: GeneratorOptions): fc.Arbitrary<string> {
  const maxLength = s.maxLength ?? 200;
  switch (s.format) {
    case "uuid":
      return uuidFor(name, options);
    case "date-time":
      return fc
        .date({
          min: new Date("2000-01-01T00:00:00Z"),
          max: new Date("2100-01-01T00:00:00Z"),
          noInvalidDate: true,
        })
        .map((d) => d.toISOString());
    case "email":
      return fc.emailAddress().filter((e) => e.length <= maxLength);
    default:
      return fc.oneof(
        {
          weight: 3,
          arbitrary: fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(maxLength, 30) }),
        },
        {
          weight: 3,
          arbitrary: hostileString(s.maxLength).filter(
            (v) => v.length <= maxLength && v.length >= (s.minLength ?? 0),
          ),
        },
        { weight: 1, arbitrary: fc.constant("a".repeat(Math.min(maxLength, 60 * 1024))) },
      );
  }
}

function objectValue(s: JsonSchema, options: GeneratorOptions, depth: number): fc.Arbitrary<unknown> {
  const properties = s.properties ?? {};
  const shape: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, value] of Object.entries(properties))
    shape[key] = anyValue(value, key, options, depth + 1);
  const record = fc.record(shape, { requiredKeys: (s.required ?? []).filter((k) => k in properties) });
  if (!options.chaos) return record;
  // An extra property, a missing required one, or a prototype-pollution key, now and then.
  return fc.oneof(
    { weight: 8, arbitrary: record },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          record,
          fc.constantFrom("extra", "__proto__", "constructor", "id", "organizationId", "role"),
          hostileValue,
        )
        .map(([r, k, v]) => {
          const copy = { ...(r as Record<string, unknown>) };
          Object.defineProperty(copy, k, { value: v, enumerable: true, configurable: true, writable: true });
          return copy;
        }),
    },
    {
      weight: 1,
      arbitrary: record.map((r) => {
        const copy = { ...(r as Record<string, unknown>) };
        const first = s.required?.[0];
        if (first) delete copy[first];
        return copy;
      }),
    },
  );
}

/** Mostly shaped like the schema, sometimes hostile; hostile strings also ride inside shaped ones. */
export function anyValue(
  schema: JsonSchema,
  name: string,
  options: GeneratorOptions,
  depth = 0,
): fc.Arbitrary<unknown> {
  if (!options.chaos) return shapedValue(schema, name, options, depth);
  return fc.oneof(
    { weight: 5, arbitrary: shapedValue(schema, name, options, depth) },
    { weight: 1, arbitrary: hostileValue },
  );
}

/** A path segment: a real identifier, a well-formed stranger, or something hostile (encoded, or raw when URL-safe). */
export function pathParamValue(name: string, options: GeneratorOptions): fc.Arbitrary<string> {
  const real =
    name === "number"
      ? fc
          .constant(null)
          .map(() => options.pools.ticketNumbers())
          .chain(pick(fc.integer({ min: 1, max: 100 })))
          .map(String)
      : uuidFor(name, options);
  if (!options.chaos) return real;
  return fc.oneof(
    { weight: 5, arbitrary: real },
    { weight: 2, arbitrary: hostileString().map(encodeUrlPart) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "..%2F..%2Fetc%2Fpasswd",
        "%2e%2e",
        "%00",
        "%ff",
        "%E0%A4%A",
        "%",
        "0",
        "-1",
        "1e3",
        "0x1F",
        "99999999999999999999",
        "9007199254740993",
        "1.5",
        "%20",
      ),
    },
  );
}

export interface FuzzRequest {
  url: string;
  headers: Record<string, string>;
  payload: string | undefined;
  /** What the request was meant to probe, for a failure message a person can read. */
  shape: string;
}

function queryString(operation: FuzzOperation, options: GeneratorOptions): fc.Arbitrary<string> {
  const parts = operation.query.map((param) =>
    fc.option(
      anyValue(param.schema, param.name, options).map((value) =>
        (Array.isArray(value) ? value : [value])
          .map(
            (v) =>
              `${encodeUrlPart(param.name)}=${encodeUrlPart(typeof v === "string" ? v : JSON.stringify(v))}`,
          )
          .join("&"),
      ),
      { freq: 2 },
    ),
  );
  const extras = fc.constantFrom(
    "",
    "unknown=1",
    "limit=1&limit=2",
    "text=%E0%A4%A",
    "text=%ff%fe",
    "cursor=eyJ4IjoiJyBPUiAxPTEgLS0ifQ",
    "cursor=%00",
    "__proto__[admin]=true",
    "status[]=new",
  );
  return fc.tuple(fc.tuple(...parts), extras).map(([values, extra]) => {
    const joined = [...values.filter((v): v is string => Boolean(v)), options.chaos ? extra : ""]
      .filter(Boolean)
      .join("&");
    return joined ? `?${joined}` : "";
  });
}

const json = { "content-type": "application/json" };

interface FormPart {
  name: string;
  filename: string | null;
  type: string;
  content: string;
}

/**
 * A multipart/form-data body for an upload: the form's own parts with hostile file names (quotes,
 * line breaks, traversal), declared types and contents; with chaos, extra, missing, renamed and
 * non-file parts, and bodies cut short, without their boundary or with another one.
 */
function formBody(form: JsonSchema, options: GeneratorOptions): fc.Arbitrary<Omit<FuzzRequest, "url">> {
  const names = Object.keys(form.properties ?? {});
  const part: fc.Arbitrary<FormPart> = fc.record({
    name: options.chaos ? fc.oneof(fc.constantFrom(...names), hostileString(120)) : fc.constantFrom(...names),
    filename: fc.oneof(
      fc.constantFrom(
        "report.pdf",
        "setup.exe",
        "..\\..\\boot.ini",
        "../../etc/passwd",
        'a"b.txt',
        "x\r\nX-Evil: 1",
        "",
      ),
      hostileString(300),
      options.chaos ? fc.constant(null) : fc.constant("notes.txt"),
    ),
    type: fc.oneof(
      fc.constantFrom(
        "image/png",
        "text/html",
        "application/x-msdownload",
        "image/svg+xml",
        "not a type",
        "",
      ),
      hostileString(100),
    ),
    content: fc.oneof(
      fc.string({ maxLength: 2000 }),
      fc.constantFrom("", "MZ\u0090\u0000", "<script>alert(1)</script>"),
    ),
  });
  const parts = options.chaos ? fc.array(part, { maxLength: 3 }) : part.map((one) => [one]);
  const damage = options.chaos
    ? fc.constantFrom("whole", "cut short", "no boundary parameter", "another boundary")
    : fc.constant("whole");
  return fc.tuple(parts, damage).map(([list, how]) => {
    const boundary = "----tendfuzz7MA4YWxkTrZu0gW";
    const body = [
      ...list.map(
        (p) =>
          `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename === null ? "" : `; filename="${p.filename}"`}\r\n` +
          `${p.type ? `Content-Type: ${p.type}\r\n` : ""}\r\n${p.content}\r\n`,
      ),
      `--${boundary}--\r\n`,
    ].join("");
    const contentType =
      how === "no boundary parameter"
        ? "multipart/form-data"
        : `multipart/form-data; boundary=${how === "another boundary" ? "elsewhere" : boundary}`;
    return {
      headers: { "content-type": contentType },
      payload: how === "cut short" ? body.slice(0, Math.floor(body.length / 2)) : body,
      shape: `multipart form of ${list.length} part(s), ${how}`,
    };
  });
}

function shapedBody(
  operation: FuzzOperation,
  options: GeneratorOptions,
): fc.Arbitrary<Omit<FuzzRequest, "url">> {
  if (operation.form) return formBody(operation.form, options);
  return operation.body
    ? anyValue(operation.body, "body", options).map((body) => ({
        headers: json,
        payload: JSON.stringify(body),
        shape: "schema-shaped JSON with hostile strings",
      }))
    : fc.constant({ headers: {}, payload: undefined, shape: "no body" });
}

function bodyVariant(
  operation: FuzzOperation,
  options: GeneratorOptions,
): fc.Arbitrary<Omit<FuzzRequest, "url">> {
  const shaped = operation.body
    ? anyValue(operation.body, "body", options).map((body) => ({
        headers: json,
        payload: JSON.stringify(body),
        shape: options.chaos ? "JSON with wrong types and shapes" : "schema-shaped JSON with hostile strings",
      }))
    : fc.constant({ headers: {}, payload: undefined, shape: "no body" });
  const malformed = fc
    .constantFrom(
      "{",
      '{"subject": ',
      "[1, 2",
      "nul",
      '{"subject":"x",}',
      "\u0000",
      "'single'",
      '{"__proto__": {"role": "admin"}}',
      '{"constructor": {"prototype": {"role": "admin"}}}',
      '"just a string"',
      "12345678901234567890",
      "null",
      "[]",
      "\ud800",
      "",
    )
    .map((payload) => ({ headers: json, payload, shape: "malformed or wrong-shaped JSON" }));
  const deep = fc.constantFrom(1000, 5000, 20_000).map((depth) => ({
    headers: json,
    payload: `${"[".repeat(depth)}${"]".repeat(depth)}`,
    shape: `JSON nested ${depth} deep`,
  }));
  const wrongType = fc
    .tuple(
      fc.constantFrom(
        "text/plain",
        "application/xml",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "application/json; charset=utf-16",
        "application/json; charset=latin1",
        "application/jsonx",
        "",
      ),
      fc.constantFrom("subject=x&body=y", '{"subject":"x"}', "<a>x</a>", "--x\r\n\r\n--x--"),
    )
    .map(([type, payload]) => ({
      headers: (type ? { "content-type": type } : {}) as Record<string, string>,
      payload,
      shape: `content-type "${type}"`,
    }));
  const oversized = fc.constantFrom(64 * 1024 + 1, 200 * 1024).map((size) => ({
    headers: json,
    payload: JSON.stringify({ subject: "x".repeat(size) }),
    shape: `oversized body (${size} bytes of string)`,
  }));
  if (operation.form)
    return fc.oneof(
      { weight: 12, arbitrary: formBody(operation.form, options) },
      { weight: 3, arbitrary: wrongType },
    );
  return fc.oneof(
    { weight: 12, arbitrary: shaped },
    { weight: 2, arbitrary: malformed },
    { weight: 1, arbitrary: deep },
    { weight: 2, arbitrary: wrongType },
    { weight: 1, arbitrary: oversized },
  );
}

/** One request for one operation: path, query and body together; three in five fit the schemas. */
export function fuzzRequest(operation: FuzzOperation, options: GeneratorOptions): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    { weight: 3, arbitrary: requestIn(operation, { ...options, chaos: false }) },
    { weight: 2, arbitrary: requestIn(operation, { ...options, chaos: true }) },
  );
}

function requestIn(operation: FuzzOperation, options: GeneratorOptions): fc.Arbitrary<FuzzRequest> {
  const params = operation.pathParams.map((name) =>
    pathParamValue(name, options).map((value) => [name, value] as const),
  );
  const body = options.chaos ? bodyVariant(operation, options) : shapedBody(operation, options);
  return fc.tuple(fc.tuple(...params), queryString(operation, options), body).map(([pairs, query, body]) => {
    let path = operation.path;
    for (const [name, value] of pairs) path = path.replace(`{${name}}`, value);
    return { url: `${path}${query}`, ...body };
  });
}

/** Who sends it: the three roles, nobody, and credentials that are themselves hostile. */
export type FuzzCaller = "agent" | "admin" | "customer" | "anonymous" | "hostile-token" | "hostile-cookie";
export const fuzzCaller: fc.Arbitrary<FuzzCaller> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<FuzzCaller>("agent", "admin", "customer") },
  { weight: 1, arbitrary: fc.constantFrom<FuzzCaller>("anonymous", "hostile-token", "hostile-cookie") },
);

export const hostileCredential = fc.constantFrom(
  "' OR 1=1 --",
  "tend_%00",
  "x".repeat(10_000),
  "Basic Zm9vOmJhcg==",
  "Bearer",
  "Bearer  ",
  "Bearer ' OR '1'='1",
  "Bearer ../../etc/passwd",
  "Bearer \u00ff\u00fe",
);

/** Markup that tries to run script once stored and shown; from the OWASP and mXSS catalogues. */
export const xssPayloads: readonly string[] = [
  "<script>alert(1)</script>",
  "<img src=x onerror=alert(1)>",
  "<IMG SRC=x OnErRoR=alert(1)>",
  '<a href="javascript:alert(1)">click</a>',
  '<a href="JaVaScRiPt:alert(1)">click</a>',
  '<a href="&#106;avascript:alert(1)">click</a>',
  '<a href="java\tscript:alert(1)">click</a>',
  '<a href=" javascript:alert(1)">click</a>',
  "<svg onload=alert(1)>",
  "<svg><script>alert(1)</script></svg>",
  '<iframe src="javascript:alert(1)"></iframe>',
  "<scr<script>ipt>alert(1)</scr</script>ipt>",
  "<math><mi><mglyph><style><img src=x onerror=alert(1)>",
  '<div style="background:url(javascript:alert(1))">x</div>',
  "<p onclick=alert(1)>x</p>",
  '<!--<img src="--><img src=x onerror=alert(1)//">',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<form action="javascript:alert(1)"><button>x</button></form>',
  '<object data="javascript:alert(1)"></object>',
  '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
  "<details open ontoggle=alert(1)>",
  '"><script>alert(1)</script>',
  "</textarea><script>alert(1)</script>",
];

function decodeEntities(text: string): string {
  return text
    .replace(/&#x([0-9a-f]+);?/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);?/g, (_, dec: string) => String.fromCodePoint(Number(dec)))
    .replace(/&colon;/gi, ":")
    .replace(/&tab;/gi, "\t")
    .replace(/&newline;/gi, "\n")
    .replace(/&amp;/gi, "&");
}

/**
 * What in a stored HTML fragment would run in a browser: a script element, an event-handler
 * attribute, or a script-bearing URL. Text (already escaped by the sanitizer) may say anything.
 */
export function dangerousMarkup(html: string): string | undefined {
  if (/<\s*script/i.test(html)) return "a <script> element";
  for (const tag of html.match(/<[^>]*>/g) ?? []) {
    if (/[\s/"']on[a-z]+\s*=/i.test(tag)) return `an event handler in ${tag}`;
    // Browsers drop control characters and spaces inside a URL scheme: "java\tscript:" runs.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point here
    const compact = decodeEntities(tag).replace(/[\u0000-\u0020]/g, "");
    if (/javascript:|vbscript:|data:text\/html/i.test(compact)) return `a script URL in ${tag}`;
    if (/^<\s*(iframe|object|embed|svg|math|style|form|base|meta|link)\b/i.test(tag))
      return `a ${tag} element`;
  }
  return undefined;
}

/** Every HTML-bearing string field (`bodyHtml`, `html`, …) anywhere in a response body. */
export function htmlFieldsOf(value: unknown, path = ""): { path: string; html: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => htmlFieldsOf(item, `${path}/${i}`));
  if (value && typeof value === "object") {
    return Object.entries(value).flatMap(([key, inner]) =>
      typeof inner === "string" && /html$/i.test(key)
        ? [{ path: `${path}/${key}`, html: inner }]
        : htmlFieldsOf(inner, `${path}/${key}`),
    );
  }
  return [];
}
