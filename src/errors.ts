/**
 * Typed domain errors. Use cases throw these; the HTTP layer maps them to RFC 9457
 * problem+json in one place (src/http/problem-details.ts), the CLI prints them.
 */

export interface FieldProblem {
  /** JSON-pointer-like path of the offending input, e.g. `/weekly/mon/0`. */
  field: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
}

export class ValidationError extends DomainError {
  readonly status: number = 400;
  readonly title: string = "Invalid input";
  readonly problems: FieldProblem[];

  constructor(problems: FieldProblem[] | FieldProblem) {
    const list = Array.isArray(problems) ? problems : [problems];
    super(list.map((p) => `${p.field}: ${p.message}`).join("; "));
    this.problems = list;
  }

  static field<T extends ValidationError>(
    this: new (
      problem: FieldProblem,
    ) => T,
    field: string,
    message: string,
  ): T {
    return new this({ field, message });
  }
}

/** Well-formed input naming something it may not use: an upload that is not the caller's, a refused file. */
export class UnprocessableContentError extends ValidationError {
  override readonly status = 422;
  override readonly title = "Unprocessable content";
}

/** A body over a limit counted as it arrives (an upload past the attachment size limit). */
export class ContentTooLargeError extends DomainError {
  readonly status = 413;
  readonly title = "Content too large";
}

/** A body in a form the route does not take (an upload that is not multipart/form-data). */
export class UnsupportedMediaTypeError extends DomainError {
  readonly status = 415;
  readonly title = "Unsupported media type";
}

export class NotFoundError extends DomainError {
  readonly status = 404;
  readonly title = "Not found";
}

export class ForbiddenError extends DomainError {
  readonly status = 403;
  readonly title = "Forbidden";
}

export class UnauthorizedError extends DomainError {
  readonly status = 401;
  readonly title = "Authentication required";
}

/**
 * Signed in with a password while an admin requires a second factor the person has not set up: the
 * session may enrol (and read who it is, or sign out), nothing else.
 */
export class TwoFactorEnrollmentRequiredError extends DomainError {
  readonly status = 403;
  readonly title = "Two-factor enrollment required";
}

/** The caller does not accept the only representation a resource has (an event stream). */
export class NotAcceptableError extends DomainError {
  readonly status = 406;
  readonly title = "Not acceptable";
}

/** A request that conflicts with the resource's current state: a stale version or an invalid transition. */
export class ConflictError extends DomainError {
  readonly status = 409;
  readonly title = "Conflict";
  constructor(
    message: string,
    readonly current?: unknown,
    /** For a stale version: who made the latest change, and when, so the caller can say so. */
    readonly lastChange?: { by: { id: string; name: string } | null; at: string },
  ) {
    super(message);
  }
}

/** A service Tend called on the caller's behalf (GitHub) failed or refused; the message says what it answered. */
export class BadGatewayError extends DomainError {
  readonly status = 502;
  readonly title = "Bad gateway";
}

/** Too many attempts: the caller may try again after `retryAfterSeconds` (sent as `Retry-After`). */
export class TooManyRequestsError extends DomainError {
  readonly status = 429;
  readonly title = "Too many requests";
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}
