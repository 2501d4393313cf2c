import { type Static, Type } from "typebox";
import { Timestamp } from "../../http/schemas.js";
import { ArticleSchema } from "./knowledge-schemas.js";

export const FrequentQuestionGroupSchema = Type.Object({
  id: Type.String(),
  label: Type.String({ description: "The subject of the group's most typical ticket" }),
  size: Type.Integer({ description: "Tickets in the group" }),
  topTerms: Type.Array(Type.String()),
  examples: Type.Array(Type.Object({ number: Type.Integer(), subject: Type.String() })),
  coverage: Type.Union([Type.Literal("uncovered"), Type.Literal("search"), Type.Literal("drafted")], {
    description:
      "uncovered: no article yet, write one; search: a published article matches it; drafted: an article was started from it",
  }),
  article: Type.Union([
    Type.Object({ id: Type.String(), title: Type.String(), state: Type.String() }),
    Type.Null(),
  ]),
});
export type FrequentQuestionGroupView = Static<typeof FrequentQuestionGroupSchema>;

export const FrequentQuestionsSchema = Type.Object({
  run: Type.Union([
    Type.Object({
      createdAt: Timestamp,
      windowStart: Timestamp,
      ticketCount: Type.Integer(),
      durationMs: Type.Integer(),
    }),
    Type.Null(),
  ]),
  groups: Type.Array(FrequentQuestionGroupSchema),
});
export type FrequentQuestionsView = Static<typeof FrequentQuestionsSchema>;

export const RefreshBody = Type.Object(
  { windowDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 365 })) },
  { additionalProperties: false },
);
export type RefreshInput = Static<typeof RefreshBody>;
export const RefreshSchema = Type.Object({ jobId: Type.String() });

export const DraftFromGroupBody = Type.Object(
  {
    groupId: Type.String({ format: "uuid" }),
    categoryId: Type.Optional(
      Type.String({ description: "Where the draft goes; the first category when left out" }),
    ),
  },
  { additionalProperties: false },
);
export type DraftFromGroupInput = Static<typeof DraftFromGroupBody>;

export const DraftFromGroupSchema = Type.Object({
  article: ArticleSchema,
  answer: Type.Union([
    Type.Object({
      ticketNumber: Type.Integer(),
      reason: Type.Union([Type.Literal("rated_good"), Type.Literal("solved"), Type.Literal("most_common")]),
    }),
    Type.Null(),
  ]),
  groupId: Type.String(),
});
export type DraftFromGroupView = Static<typeof DraftFromGroupSchema>;
