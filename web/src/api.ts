// The API's own shapes: the web app reads what the presenters return, never the tables.
import type { ProblemDetails } from "../../src/http/problem-details.js";
import type { TicketEmailView } from "../../src/modules/email/email-presenter.js";
import type { PersonView } from "../../src/modules/identity/person-presenter.js";
import type { TicketSlaView } from "../../src/modules/sla/ticket-sla.js";
import type { CommentView, TicketEventView, TicketView } from "../../src/modules/tickets/ticket-presenter.js";

export type {
  CommentView,
  PersonView,
  ProblemDetails,
  TicketEmailView,
  TicketEventView,
  TicketSlaView,
  TicketView,
};
export type SlaClock = TicketSlaView["clocks"][number];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** An API refusal, carrying its problem+json so a form can show `errors` beside their fields. */
export class ApiError extends Error {
  constructor(readonly problem: ProblemDetails) {
    super(problem.detail || problem.title);
  }
  get status(): number {
    return this.problem.status;
  }
}

/** The X-CSRF-Token every cookie-authenticated write carries (see src/http/csrf.ts). */
let csrfToken: string | null = null;
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/**
 * Where the server's log stood after this tab's last write (`Tend-Read-After`), sent back with every
 * read: where lists and reports come from a replica, a web process that did not take the write still
 * shows it (src/db/read-replica.ts).
 */
let readAfter: string | null = null;

/** Called when the session ends under the app's feet (expired, signed out elsewhere). */
let onSignedOut: () => void = () => {};
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

/**
 * Called when an admin has just required a second factor this person has not set up: every request
 * but enrolment is refused from now on, so the app turns to the enrolment form.
 */
let onTwoFactorEnrollmentRequired: () => void = () => {};
export function whenTwoFactorEnrollmentRequired(handler: () => void): void {
  onTwoFactorEnrollmentRequired = handler;
}
export const twoFactorEnrollmentRequiredTitle = "Two-factor enrollment required";

async function problemOf(response: Response): Promise<ProblemDetails> {
  try {
    return (await response.json()) as ProblemDetails;
  } catch {
    return {
      type: "about:blank",
      title: response.statusText || "Request failed",
      status: response.status,
      detail: `The server answered ${response.status} ${response.statusText}.`,
    };
  }
}

type HttpMethod = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** Requests on their way, so signing out can abandon them (`abandonRequestsInFlight`). */
const requestsInFlight = new Set<AbortController>();

/**
 * Cancels every request still on its way. Signing out calls it before ending the session: a request
 * the server took after the session ended would be answered 401, for a page that is already gone.
 * An abandoned request's promise never settles: nobody is left to take its answer or its error.
 */
export function abandonRequestsInFlight(): void {
  for (const request of requestsInFlight) request.abort();
  requestsInFlight.clear();
}

export async function api<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
  const request = new AbortController();
  requestsInFlight.add(request);
  try {
    return await send<T>(method, path, body, request.signal);
  } catch (error) {
    if (request.signal.aborted) return new Promise<T>(() => {});
    throw error;
  } finally {
    requestsInFlight.delete(request);
  }
}

async function send<T>(method: HttpMethod, path: string, body: unknown, signal: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  // A FormData body (a file upload) sets its own multipart content type and boundary.
  const multipart = body instanceof FormData;
  if (body !== undefined && !multipart) headers["content-type"] = "application/json";
  if (method !== "GET" && csrfToken) headers["x-csrf-token"] = csrfToken;
  if (method === "GET" && readAfter) headers["tend-read-after"] = readAfter;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: "same-origin",
      signal,
      ...(body !== undefined ? { body: multipart ? body : JSON.stringify(body) } : {}),
    });
  } catch {
    throw new ApiError({
      type: "about:blank",
      title: "Tend is unreachable",
      status: 0,
      detail: "Tend did not answer: check your connection, then try again.",
    });
  }
  readAfter = response.headers.get("tend-read-after") ?? readAfter;
  if (!response.ok) {
    const problem = await problemOf(response);
    if (response.status === 401 && !path.startsWith("/auth/")) onSignedOut();
    if (response.status === 403 && problem.title === twoFactorEnrollmentRequiredTitle)
      onTwoFactorEnrollmentRequired();
    throw new ApiError(problem);
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}
