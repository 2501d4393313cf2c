import fastifyHelmet from "@fastify/helmet";
import Fastify, { type FastifyInstance } from "fastify";

/**
 * The Content-Security-Policy every response carries. Tend serves no inline script and no inline
 * style (the home page links its stylesheet), so everything is `'self'`; the page may not be
 * framed (clickjacking), may not load plugins and may not rebase its relative links.
 */
export const contentSecurityPolicy = {
  "default-src": ["'self'"],
  "script-src": ["'self'"],
  "script-src-attr": ["'none'"],
  "style-src": ["'self'"],
  "img-src": ["'self'"],
  "font-src": ["'self'"],
  "connect-src": ["'self'"],
  "object-src": ["'none'"],
  "base-uri": ["'none'"],
  "form-action": ["'self'"],
  "frame-ancestors": ["'none'"],
} as const;

/**
 * The API documentation (Swagger UI) draws its icons as `data:` SVGs in its stylesheet and its
 * logo as a `data:` image, so that route alone also allows `data:` images. Its scripts are files
 * served from `/api/docs/static`, so `script-src 'self'` holds there too.
 */
export const apiDocsContentSecurityPolicy: Record<string, string[]> = {
  ...Object.fromEntries(Object.entries(contentSecurityPolicy).map(([name, value]) => [name, [...value]])),
  "img-src": ["'self'", "data:"],
};

// A year, the value the HSTS preload list asks for.
const hstsMaxAgeSeconds = 365 * 24 * 60 * 60;

/**
 * Helmet on every route. HSTS only when Tend is served over HTTPS: sent over plain HTTP (a local
 * install, a test) it would be ignored at best, and at worst pin a development host to HTTPS.
 */
export async function registerSecurityHeaders(app: FastifyInstance, publicUrl: string): Promise<void> {
  const https = publicUrl.startsWith("https://");
  await app.register(fastifyHelmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: Object.fromEntries(
        Object.entries(contentSecurityPolicy).map(([name, value]) => [name, [...value]]),
      ),
    },
    strictTransportSecurity: https ? { maxAge: hstsMaxAgeSeconds, includeSubDomains: true } : false,
    // Ticket links and API URLs name customers and ticket numbers: never leak them to other sites.
    referrerPolicy: { policy: "no-referrer" },
    xFrameOptions: { action: "deny" },
    xContentTypeOptions: true,
  });
}

// Set per response by the server or by the route, not by helmet.
const notSecurityHeaders = new Set(["content-type", "content-length", "date", "connection", "keep-alive"]);

/**
 * The headers `registerSecurityHeaders` gives a response, worked out once: helmet on a throwaway app
 * answering one request. A route answered before helmet's hook (the cached public status page) sends
 * these itself, so it carries exactly what every other response does.
 */
export async function securityHeadersOf(publicUrl: string): Promise<Record<string, string>> {
  const probe = Fastify();
  try {
    await registerSecurityHeaders(probe, publicUrl);
    probe.get("/", async () => "");
    const response = await probe.inject({ method: "GET", url: "/" });
    return Object.fromEntries(
      Object.entries(response.headers)
        .filter(([name]) => !notSecurityHeaders.has(name))
        .map(([name, value]) => [name, String(value)]),
    );
  } finally {
    await probe.close();
  }
}
