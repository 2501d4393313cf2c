import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { isDatabaseUnavailable } from "../db/database-unavailable.js";
import { ConflictError, DomainError, type FieldProblem, ValidationError } from "../errors.js";
import { isStorageFull } from "../shared/storage-full.js";

/** RFC 9457 problem details: the one shape every API error takes. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  errors?: FieldProblem[];
  current?: unknown;
  lastChange?: { by: { id: string; name: string } | null; at: string };
}

const problemType = (slug: string) => `urn:tend:problem:${slug}`;

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Turns Ajv's findings into fields a person can act on: `/body/subjct: unknown field`. */
function fieldProblems(context: string | undefined, issues: AjvIssue[]): FieldProblem[] {
  const root = context === "querystring" ? "query" : (context ?? "body");
  return issues.map((issue) => {
    const path = issue.instancePath;
    if (issue.keyword === "additionalProperties") {
      return {
        field: `/${root}${path}/${String(issue.params.additionalProperty)}`,
        message: "unknown field",
      };
    }
    if (issue.keyword === "required") {
      return { field: `/${root}${path}/${String(issue.params.missingProperty)}`, message: "is required" };
    }
    const allowed = issue.params.allowedValues;
    const message = Array.isArray(allowed)
      ? `must be one of: ${allowed.join(", ")}`
      : (issue.message ?? "is invalid");
    return { field: `/${root}${path}`, message };
  });
}

export function toProblem(error: unknown, request: FastifyRequest): ProblemDetails {
  const instance = request.url;
  if (error instanceof DomainError) {
    const problem: ProblemDetails = {
      type: problemType(error.constructor.name.replace(/Error$/, "").toLowerCase()),
      title: error.title,
      status: error.status,
      detail: error.message,
      instance,
    };
    if (error instanceof ValidationError) problem.errors = error.problems;
    if (error instanceof ConflictError && error.current !== undefined) problem.current = error.current;
    if (error instanceof ConflictError && error.lastChange) problem.lastChange = error.lastChange;
    return problem;
  }
  const fastifyError = error as FastifyError & { validation?: AjvIssue[] };
  if (fastifyError.validation) {
    const errors = fieldProblems(fastifyError.validationContext, fastifyError.validation);
    return {
      type: problemType("validation"),
      title: "Invalid input",
      status: 400,
      detail: errors.map((e) => `${e.field}: ${e.message}`).join("; "),
      instance,
      errors,
    };
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500) {
    const slugs: Record<number, string> = {
      413: "body-too-large",
      414: "uri-too-long",
      415: "unsupported-media-type",
      400: "bad-request",
    };
    const titles: Record<number, string> = {
      413: "Request body too large",
      414: "URI too long",
      415: "Unsupported media type",
    };
    return {
      type: problemType(slugs[status] ?? "client-error"),
      title: titles[status] ?? "Bad request",
      status,
      detail: fastifyError.message,
      instance,
    };
  }
  if (isDatabaseUnavailable(error)) {
    return {
      type: problemType("unavailable"),
      title: "Service unavailable",
      status: 503,
      detail: "The database is not answering; nothing was saved. Try again in a few seconds.",
      instance,
    };
  }
  if (isStorageFull(error)) {
    return {
      type: problemType("insufficient-storage"),
      title: "Insufficient storage",
      status: 507,
      detail: "The server's storage is full; nothing was saved. Try again once an operator has freed space.",
      instance,
    };
  }
  return {
    type: problemType("internal"),
    title: "Internal error",
    status: 500,
    detail: "Something went wrong on our side; it has been logged.",
    instance,
  };
}

export function sendProblem(reply: FastifyReply, problem: ProblemDetails): FastifyReply {
  return reply.status(problem.status).type("application/problem+json").send(JSON.stringify(problem));
}
