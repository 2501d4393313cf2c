import { type Static, Type } from "typebox";
import { NullableString, pageOf, Timestamp } from "../../http/schemas.js";
import { maxArticleBodyLength, slugPattern } from "./article-rules.js";

const Slug = Type.String({ minLength: 1, maxLength: 100, pattern: slugPattern });
const Visibility = Type.Union([Type.Literal("public"), Type.Literal("internal")]);
const State = Type.Union([Type.Literal("draft"), Type.Literal("published")]);
const PersonRef = Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]);

export const CategorySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  slug: Type.String(),
  position: Type.Integer(),
  description: Type.String(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type CategoryView = Static<typeof CategorySchema>;

export const CategoryCreateBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    slug: Type.Optional(Slug),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000 })),
    description: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export const CategoryUpdateBody = Type.Partial(CategoryCreateBody, { additionalProperties: false });

export const ArticleSummarySchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  slug: Type.String(),
  categoryId: Type.String(),
  visibility: Visibility,
  state: State,
  updatedAt: Timestamp,
  publishedAt: NullableString,
});
export type ArticleSummaryView = Static<typeof ArticleSummarySchema>;

export const ArticleSchema = Type.Object({
  ...ArticleSummarySchema.properties,
  body: Type.String({ description: "The article in Markdown" }),
  html: Type.String({ description: "The body rendered and sanitized: what readers see" }),
  version: Type.Integer(),
  createdAt: Timestamp,
  author: Type.Optional(PersonRef),
  updatedBy: Type.Optional(PersonRef),
  stats: Type.Optional(
    Type.Object(
      { views: Type.Integer(), deflections: Type.Integer() },
      { description: "Staff only: reads by customers and the public, and requests it answered" },
    ),
  ),
});
export type ArticleView = Static<typeof ArticleSchema>;

export const ArticleCreateBody = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 300 }),
    slug: Type.Optional(Slug),
    body: Type.String({ maxLength: maxArticleBodyLength }),
    categoryId: Type.String({ format: "uuid" }),
    visibility: Visibility,
    state: Type.Optional(State),
  },
  { additionalProperties: false },
);
export type ArticleCreateInput = Static<typeof ArticleCreateBody>;

export const ArticleUpdateBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: "The version read; a stale one answers 409" }),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
    slug: Type.Optional(Slug),
    body: Type.Optional(Type.String({ maxLength: maxArticleBodyLength })),
    categoryId: Type.Optional(Type.String({ format: "uuid" })),
    visibility: Type.Optional(Visibility),
    state: Type.Optional(State),
  },
  { additionalProperties: false },
);
export type ArticleUpdateInput = Static<typeof ArticleUpdateBody>;

export const ArticleListQuery = Type.Object(
  {
    categoryId: Type.Optional(Type.String({ format: "uuid" })),
    state: Type.Optional(State),
  },
  { additionalProperties: false },
);

export const RevisionSummarySchema = Type.Object({
  id: Type.String(),
  version: Type.Integer(),
  title: Type.String(),
  state: State,
  visibility: Visibility,
  writtenBy: PersonRef,
  writtenAt: Timestamp,
  replacedBy: PersonRef,
  replacedAt: Timestamp,
});
export const RevisionSchema = Type.Object({
  ...RevisionSummarySchema.properties,
  body: Type.String(),
  html: Type.String(),
});
export type RevisionSummaryView = Static<typeof RevisionSummarySchema>;
export type RevisionView = Static<typeof RevisionSchema>;

export const SnippetSchema = Type.Array(Type.Object({ text: Type.String(), match: Type.Boolean() }), {
  description: "The body around the matches; parts with match true are the words found",
});
export const SearchResultSchema = Type.Object({ article: ArticleSummarySchema, snippet: SnippetSchema });
export type SearchResultView = Static<typeof SearchResultSchema>;
/** One ranked page, best first; `nextCursor` is always null, since ranking past the top results helps nobody. */
export const SearchResultsSchema = pageOf(SearchResultSchema);
export interface SearchResultsView {
  items: SearchResultView[];
  nextCursor: null;
}

export const SearchQuery = Type.Object(
  { q: Type.Optional(Type.String({ maxLength: 500, description: "Absent: the latest published articles" })) },
  { additionalProperties: false },
);

export const SuggestionBody = Type.Object(
  {
    subject: Type.String({ maxLength: 500 }),
    body: Type.String({ maxLength: 20_000 }),
  },
  { additionalProperties: false },
);

export const DeflectionBody = Type.Object(
  {
    articleId: Type.String({ format: "uuid" }),
    query: Type.String({ maxLength: 2000, description: "What the customer had typed" }),
  },
  { additionalProperties: false },
);
export const DeflectionSchema = Type.Object({ articleId: Type.String(), deflections: Type.Integer() });

export const PreviewBody = Type.Object(
  { body: Type.String({ maxLength: maxArticleBodyLength }) },
  { additionalProperties: false },
);
export const PreviewSchema = Type.Object({ html: Type.String() });

export const RevisionParams = Type.Object(
  { id: Type.String({ format: "uuid" }), revisionId: Type.String({ format: "uuid" }) },
  { additionalProperties: false },
);
