import type { FastifyPluginAsyncTypebox } from "@fastify/type-provider-typebox";
import { Type } from "typebox";
import { IdParams, problemResponses } from "../../http/schemas.js";
import {
  ArticleCreateBody,
  ArticleListQuery,
  ArticleSchema,
  ArticleSummarySchema,
  ArticleUpdateBody,
  CategoryCreateBody,
  CategorySchema,
  CategoryUpdateBody,
  DeflectionBody,
  DeflectionSchema,
  PreviewBody,
  PreviewSchema,
  RevisionParams,
  RevisionSchema,
  RevisionSummarySchema,
  SearchQuery,
  SearchResultsSchema,
  SuggestionBody,
} from "./knowledge-schemas.js";
import { createArticle, deleteArticle, updateArticle } from "./manage-articles.js";
import {
  createCategory,
  deleteCategory,
  getCategory,
  listCategories,
  updateCategory,
} from "./manage-categories.js";
import {
  articleHistory,
  articleRevision,
  getArticle,
  listArticles,
  previewArticle,
} from "./read-articles.js";
import { recordDeflection, searchKnowledge, suggestArticles } from "./suggest-articles.js";

const tags = ["knowledge base"];

/** `/api/v1/knowledge/…`: anyone signed in reads what their role may see; staff write; admins delete. */
export const knowledgeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    "/knowledge/categories",
    {
      schema: {
        tags,
        summary: "List the knowledge base's categories (anyone signed in)",
        response: { 200: Type.Array(CategorySchema), ...problemResponses },
      },
    },
    async (request) => listCategories({ ctx: request.ctx }),
  );
  app.post(
    "/knowledge/categories",
    {
      schema: {
        tags,
        summary: "Create a category (agents and admins)",
        body: CategoryCreateBody,
        response: { 201: CategorySchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createCategory({ ctx: request.ctx, input: request.body })),
  );
  app.get(
    "/knowledge/categories/:id",
    {
      schema: {
        tags,
        summary: "A category (anyone signed in)",
        params: IdParams,
        response: { 200: CategorySchema, ...problemResponses },
      },
    },
    async (request) => getCategory({ ctx: request.ctx, id: request.params.id }),
  );
  app.patch(
    "/knowledge/categories/:id",
    {
      schema: {
        tags,
        summary: "Change a category (agents and admins)",
        params: IdParams,
        body: CategoryUpdateBody,
        response: { 200: CategorySchema, ...problemResponses },
      },
    },
    async (request) => updateCategory({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );
  app.delete(
    "/knowledge/categories/:id",
    {
      schema: {
        tags,
        summary: "Delete an empty category (admins)",
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await deleteCategory({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/knowledge/articles",
    {
      schema: {
        tags,
        summary: "List articles: staff see drafts and internal ones, customers public published ones",
        querystring: ArticleListQuery,
        response: { 200: Type.Array(ArticleSummarySchema), ...problemResponses },
      },
    },
    async (request) => listArticles({ ctx: request.ctx, filter: request.query }),
  );
  app.post(
    "/knowledge/articles",
    {
      schema: {
        tags,
        summary: "Write an article in Markdown, a draft unless state says published (agents and admins)",
        body: ArticleCreateBody,
        response: { 201: ArticleSchema, ...problemResponses, 422: Type.Ref("Problem") },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createArticle({ ctx: request.ctx, input: request.body })),
  );
  app.get(
    "/knowledge/articles/:id",
    {
      schema: {
        tags,
        summary: "An article with its rendered HTML; staff also see its author, views and deflections",
        params: IdParams,
        response: { 200: ArticleSchema, ...problemResponses },
      },
    },
    async (request) => getArticle({ ctx: request.ctx, id: request.params.id }),
  );
  app.patch(
    "/knowledge/articles/:id",
    {
      schema: {
        tags,
        summary: "Save an article from the version read; a stale version answers 409 (agents and admins)",
        params: IdParams,
        body: ArticleUpdateBody,
        response: { 200: ArticleSchema, ...problemResponses, 422: Type.Ref("Problem") },
      },
    },
    async (request) => updateArticle({ ctx: request.ctx, id: request.params.id, input: request.body }),
  );
  app.delete(
    "/knowledge/articles/:id",
    {
      schema: {
        tags,
        summary: "Delete an article with its history (admins)",
        params: IdParams,
        response: { 204: Type.Null(), ...problemResponses },
      },
    },
    async (request, reply) => {
      await deleteArticle({ ctx: request.ctx, id: request.params.id });
      return reply.status(204).send(null);
    },
  );
  app.get(
    "/knowledge/articles/:id/history",
    {
      schema: {
        tags,
        summary: "The versions an article had before each save, newest first (agents and admins)",
        params: IdParams,
        response: { 200: Type.Array(RevisionSummarySchema), ...problemResponses },
      },
    },
    async (request) => articleHistory({ ctx: request.ctx, id: request.params.id }),
  );
  app.get(
    "/knowledge/articles/:id/history/:revisionId",
    {
      schema: {
        tags,
        summary: "One earlier version of an article, rendered (agents and admins)",
        params: RevisionParams,
        response: { 200: RevisionSchema, ...problemResponses },
      },
    },
    async (request) =>
      articleRevision({ ctx: request.ctx, id: request.params.id, revisionId: request.params.revisionId }),
  );

  app.post(
    "/knowledge/preview",
    {
      schema: {
        tags,
        summary: "Render Markdown as readers will see it, sanitized (agents and admins)",
        body: PreviewBody,
        response: { 200: PreviewSchema, ...problemResponses },
      },
    },
    async (request) => previewArticle({ ctx: request.ctx, body: request.body.body }),
  );
  app.get(
    "/knowledge/search",
    {
      schema: {
        tags,
        summary: "Full-text search over published articles, ranked, with snippets (scoped by role)",
        querystring: SearchQuery,
        response: { 200: SearchResultsSchema, ...problemResponses },
      },
    },
    async (request) => searchKnowledge({ ctx: request.ctx, q: request.query.q }),
  );
  app.post(
    "/knowledge/suggestions",
    {
      schema: {
        tags,
        summary: "The articles most relevant to a request being written (scoped by role)",
        body: SuggestionBody,
        response: { 200: SearchResultsSchema, ...problemResponses },
      },
    },
    async (request) => suggestArticles({ ctx: request.ctx, input: request.body }),
  );
  app.post(
    "/knowledge/deflections",
    {
      schema: {
        tags,
        summary: "A suggested article solved the request: counted, and no request is filed",
        body: DeflectionBody,
        response: { 201: DeflectionSchema, ...problemResponses },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await recordDeflection({ ctx: request.ctx, input: request.body })),
  );
};
