import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { type FieldProblem, ValidationError } from "../errors.js";

/**
 * Values the schemas let through but the database cannot take, refused with a 400 naming the field
 * (checked after schema validation, so a wrong shape is still reported as such):
 * - U+0000 in text: PostgreSQL text cannot hold it ("invalid byte sequence"), and no field means
 *   anything by it.
 * - A non-finite number: `/tickets/Infinity` or `1e309` coerces to Infinity and, under Fastify's Ajv
 *   settings, passes `maximum`; PostgreSQL then refuses it as an integer.
 */
export function inputProblems(root: string, value: unknown): FieldProblem[] {
  const problems: FieldProblem[] = [];
  // Iterative: a body may nest thousands deep within the size limit.
  const pending: [string, unknown][] = [[`/${root}`, value]];
  while (pending.length > 0) {
    const [path, current] = pending.pop() as [string, unknown];
    if (typeof current === "string") {
      if (current.includes("\u0000"))
        problems.push({ field: path, message: "must not contain the NUL character" });
    } else if (typeof current === "number") {
      if (!Number.isFinite(current)) problems.push({ field: path, message: "must be a finite number" });
    } else if (Array.isArray(current)) {
      current.forEach((item, i) => {
        pending.push([`${path}/${i}`, item]);
      });
    } else if (current !== null && typeof current === "object") {
      for (const [key, inner] of Object.entries(current)) pending.push([`${path}/${key}`, inner]);
    }
  }
  return problems;
}

export const inputHygiene = fp(async (app: FastifyInstance) => {
  app.addHook("preHandler", async (request: FastifyRequest) => {
    const problems = [
      ...inputProblems("params", request.params),
      ...inputProblems("query", request.query),
      ...inputProblems("body", request.body),
    ];
    if (problems.length > 0) throw new ValidationError(problems);
  });
});
