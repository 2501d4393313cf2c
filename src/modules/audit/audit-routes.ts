import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { NullableString, PageQuery, pageOf, problemResponses } from "../../http/schemas.js";
import { listAudit, verifyAuditTrail } from "./read-audit.js";

export const AuditRecordSchema = Type.Object(
  {
    seq: Type.Integer(),
    id: Type.String(),
    at: Type.String({ format: "date-time" }),
    actor: Type.Object({
      kind: Type.String(),
      id: NullableString,
      role: NullableString,
      display: Type.String(),
    }),
    channel: Type.String(),
    origin: Type.Object({ ip: NullableString, userAgent: NullableString, tokenId: NullableString }),
    action: Type.String(),
    target: Type.Object({ type: Type.String(), id: NullableString }),
    before: Type.Unknown({ description: "The changed fields before, secrets redacted" }),
    after: Type.Unknown({ description: "The changed fields after, secrets redacted" }),
    contentDigest: Type.String({
      description:
        "sha256(salt ‖ canonical JSON of actor display, IP, user agent, before, after): sealed by the hash",
    }),
    salt: Type.Union([Type.String(), Type.Null()], {
      description: 'Null once an erasure redacted the record: its personal fields then read "[erased]"',
    }),
    prevHash: Type.String(),
    hash: Type.String(),
  },
  { $id: "AuditRecord" },
);

const ChainVerdictSchema = Type.Object({
  intact: Type.Boolean(),
  count: Type.Integer({ description: "Records verified before the first broken link, or all of them" }),
  brokenAt: Type.Optional(Type.Integer({ description: "The seq of the first broken link" })),
  reason: Type.Optional(Type.String()),
});

/** The audit trail, for admins: filtered reading and a check of the whole chain. */
export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/audit",
    {
      schema: {
        tags: ["audit"],
        summary: "Audit records, newest first (admins)",
        querystring: Type.Object(
          {
            ...PageQuery,
            from: Type.Optional(Type.String({ format: "date-time", description: "At or after" })),
            to: Type.Optional(Type.String({ format: "date-time", description: "Before" })),
            actor: Type.Optional(Type.String({ maxLength: 64, description: "The acting person's id" })),
            target: Type.Optional(Type.String({ maxLength: 64, description: "The target's id" })),
            action: Type.Optional(Type.String({ maxLength: 64 })),
          },
          { additionalProperties: false },
        ),
        response: { 200: pageOf(AuditRecordSchema), ...problemResponses },
      },
    },
    async (request) => {
      const { limit, cursor, from, to, actor, target, action } = request.query;
      return listAudit({
        ctx: request.ctx,
        filter: {
          ...(from ? { from } : {}),
          ...(to ? { to } : {}),
          ...(actor ? { actorId: actor } : {}),
          ...(target ? { targetId: target } : {}),
          ...(action ? { action } : {}),
        },
        limit: limit ?? 50,
        ...(cursor ? { cursor } : {}),
      });
    },
  );

  app.get(
    "/audit/verify",
    {
      schema: {
        tags: ["audit"],
        summary: "Check the audit chain end to end; names the first broken link (admins)",
        response: { 200: ChainVerdictSchema, ...problemResponses },
      },
    },
    async (request) => {
      const verdict = await verifyAuditTrail(request.ctx);
      return verdict.intact
        ? { intact: true, count: verdict.count }
        : { intact: false, count: verdict.count, brokenAt: verdict.brokenAt, reason: verdict.reason };
    },
  );
};
