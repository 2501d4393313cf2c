import type { IncomingMessage, ServerResponse } from "node:http";
import { parse as parseQueryString } from "node:querystring";
import fastifyCookie from "@fastify/cookie";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import ajvFormatsModule from "ajv-formats";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from "fastify";
import type { Logger } from "pino";
import type { SingleSignOnConfig, TrustProxy } from "../config.js";
import type { Database } from "../db/database.js";
import { databaseRetryAfterSeconds } from "../db/database-unavailable.js";
import type { ReadReplica } from "../db/read-replica.js";
import { NotFoundError, TooManyRequestsError } from "../errors.js";
import { attachmentRoutes } from "../modules/attachments/attachment-routes.js";
import { defaultMaxAttachmentBytes } from "../modules/attachments/attachment-rules.js";
import { uploadRoutes } from "../modules/attachments/upload-routes.js";
import { auditRoutes } from "../modules/audit/audit-routes.js";
import { automationRoutes } from "../modules/automations/automation-routes.js";
import { chatRoutes } from "../modules/chat/chat-routes.js";
import { slackEventRoutes } from "../modules/chat/slack-event-routes.js";
import { emailRoutes } from "../modules/email/email-routes.js";
import { engineeringRoutes } from "../modules/engineering/engineering-routes.js";
import { githubWebhookRoutes } from "../modules/engineering/github-webhook-routes.js";
import { ticketHealthRoutes } from "../modules/health/health-routes.js";
import { identityRoutes } from "../modules/identity/identity-routes.js";
import {
  ApiTokenSchema,
  GroupSchema,
  OrganizationSchema,
  PersonSchema,
} from "../modules/identity/identity-schemas.js";
import { singleSignOnProvider } from "../modules/identity/single-sign-on.js";
import { singleSignOnRoutes } from "../modules/identity/single-sign-on-routes.js";
import { twoFactorRoutes } from "../modules/identity/two-factor-routes.js";
import { frequentQuestionRoutes } from "../modules/knowledge/frequent-question-routes.js";
import { helpCenterRoutes } from "../modules/knowledge/help-center-routes.js";
import { knowledgeRoutes } from "../modules/knowledge/knowledge-routes.js";
import { metricsRoutes, requestDurationMetrics } from "../modules/metrics/metrics-routes.js";
import { TendMetrics } from "../modules/metrics/tend-metrics.js";
import { notificationRoutes } from "../modules/notifications/notification-routes.js";
import { handoffRoutes } from "../modules/oncall/handoff-routes.js";
import { oncallRoutes } from "../modules/oncall/oncall-routes.js";
import { pagingRoutes } from "../modules/paging/paging-routes.js";
import { pagingTriggerRoutes } from "../modules/paging/paging-trigger-routes.js";
import { personPageWebhookRoutes } from "../modules/paging/person-page-webhook-routes.js";
import { slackRoutes } from "../modules/paging/slack-routes.js";
import { privacyRoutes } from "../modules/privacy/privacy-routes.js";
import { flowRoutes } from "../modules/reports/flow-routes.js";
import { overviewRoutes } from "../modules/reports/overview-routes.js";
import { peopleRoutes } from "../modules/reports/people-routes.js";
import { slaReportRoutes } from "../modules/reports/sla-report-routes.js";
import { csatPageRoutes } from "../modules/satisfaction/csat-page-routes.js";
import { satisfactionRoutes } from "../modules/satisfaction/satisfaction-routes.js";
import { promisedAnswerRoutes } from "../modules/sla/promised-answer-routes.js";
import { slaConfigRoutes } from "../modules/sla/sla-config-routes.js";
import { ticketSlaRoutes } from "../modules/sla/ticket-sla-routes.js";
import { incidentRoutes } from "../modules/status/incident-routes.js";
import { incidentRuleRoutes } from "../modules/status/incident-rule-routes.js";
import { maintenanceRoutes } from "../modules/status/maintenance-routes.js";
import { statusFeedRoutes } from "../modules/status/status-feed-routes.js";
import { registerStatusPageFastPath } from "../modules/status/status-page-fast-path.js";
import { statusPageRoutes, statusPageSettingsRoutes } from "../modules/status/status-page-routes.js";
import { statusRoutes } from "../modules/status/status-routes.js";
import { subscriptionAdminRoutes, subscriptionPublicRoutes } from "../modules/status/subscription-routes.js";
import { InProcessTicketChangeFeed, type TicketChangeFeed } from "../modules/tickets/ticket-change-feed.js";
import { ticketFollowerRoutes } from "../modules/tickets/ticket-follower-routes.js";
import { ticketRoutes } from "../modules/tickets/ticket-routes.js";
import { CommentSchema, TicketEventSchema, TicketSchema } from "../modules/tickets/ticket-schemas.js";
import { ticketStreamRoutes } from "../modules/tickets/ticket-stream-routes.js";
import { viewRoutes } from "../modules/views/view-routes.js";
import { ViewSchema } from "../modules/views/view-schemas.js";
import { webhookRoutes } from "../modules/webhooks/webhook-routes.js";
import type { Clock } from "../shared/clock.js";
import { secretBoxFor } from "../shared/secret-box.js";
import { healthRoutes } from "./health-routes.js";
import { inputHygiene } from "./input-hygiene.js";
import { lazySchemaCompilers } from "./lazy-schema-compilers.js";
import { sendProblem, toProblem } from "./problem-details.js";
import { readRouting } from "./read-routing.js";
import { requestContext } from "./request-context.js";
import { ProblemSchema } from "./schemas.js";
import {
  apiDocsContentSecurityPolicy,
  registerSecurityHeaders,
  securityHeadersOf,
} from "./security-headers.js";
import { defaultWebBuildDir, webApp } from "./web-app.js";

export interface AppDependencies {
  database: Database;
  /** DATABASE_REPLICA_URL's routing: lists and reports read from the replica; absent, from `database`. */
  readReplica?: ReadReplica;
  logger: Logger;
  clock: Clock;
  publicUrl: string;
  bodyLimitBytes: number;
  /** Which reverse proxies' X-Forwarded-For to believe (the client IP behind sign-in limits and audit). */
  trustProxy?: TrustProxy;
  /** TEND_SECRET_KEY: encrypts two-factor secrets at rest; absent or null stores them as they are. */
  secretKey?: string | null;
  /** TEND_SLACK_SIGNING_SECRET: verifies Slack's slash-command posts; absent or null refuses them. */
  slackSigningSecret?: string | null;
  /** The OpenID Connect provider agents sign in through; absent or null turns single sign-on off. */
  singleSignOn?: SingleSignOnConfig | null;
  /** The attachment store (`$TEND_DATA_DIR/attachments`); absent, no attachment can be downloaded. */
  attachmentsDir?: string;
  /** TEND_ATTACHMENT_MAX_BYTES: the largest file `POST /uploads` takes; absent, the default 25 MB. */
  maxAttachmentBytes?: number;
  /** Committed ticket changes for `GET /api/v1/stream`; share it with the process's workers. Absent, the app's own. */
  changeFeed?: TicketChangeFeed;
  /** Starts this process's worker on jobs a request committed (`Context.jobsCommitted`). */
  jobsCommitted?: () => void;
  /** The built web app (`vite build`'s dist/web); absent, the package's own build. */
  webDir?: string;
  /** This instance's Prometheus registry, shared with the SMTP listener in one process; absent, the app's own. */
  metrics?: TendMetrics;
  /** TEND_METRICS_TOKEN: the bearer token `GET /metrics` asks for; absent or null, loopback clients only. */
  metricsToken?: string | null;
  /** TEND_WEBHOOKS_ALLOW_PRIVATE_NETWORKS: where webhook endpoints may point; absent, public addresses and loopback. */
  webhooks?: { allowPrivateNetworks: boolean };
}

/** Query values that accept several entries take them repeated (`?status=a&status=b`) or comma-separated. */
const listQueryKeys = new Set(["status"]);
function parseQuery(query: string): Record<string, unknown> {
  const parsed: Record<string, unknown> = parseQueryString(query);
  for (const key of listQueryKeys) {
    const value = parsed[key];
    if (value === undefined) continue;
    parsed[key] = (Array.isArray(value) ? value : [value])
      .flatMap((v) => String(v).split(","))
      .filter(Boolean);
  }
  return parsed;
}

/** Builds the HTTP application without listening, so tests drive it with `app.inject()`. */
export type TendApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

export async function buildApp(deps: AppDependencies): Promise<TendApp> {
  const changeFeed = deps.changeFeed ?? new InProcessTicketChangeFeed();
  const app = Fastify<RawServerDefault>({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimitBytes,
    trustProxy: deps.trustProxy ?? false,
    routerOptions: { querystringParser: parseQuery },
    // The router's own refusals (a malformed %-escape, a path parameter over 100 characters) would
    // otherwise answer in Fastify's JSON shape instead of problem+json.
    frameworkErrors: (error, request, reply) => sendProblem(reply, toProblem(error, request)),
    ajv: {
      // Unknown fields are an error naming the field, never silently dropped.
      customOptions: { removeAdditional: false, coerceTypes: "array", useDefaults: true, allErrors: true },
      // ajv-formats types its options strictly; Fastify's plugin slot takes `unknown` options.
      plugins: [ajvFormatsModule.default as unknown as never],
    },
    schemaController: { compilersFactory: lazySchemaCompilers },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler((error, request, reply) => {
    const problem = toProblem(error, request);
    if (problem.status >= 500) request.log.error({ err: error }, "request failed");
    else request.log.info({ status: problem.status, reason: problem.detail }, "request refused");
    if (error instanceof TooManyRequestsError) reply.header("retry-after", String(error.retryAfterSeconds));
    if (problem.status === 503) reply.header("retry-after", String(databaseRetryAfterSeconds));
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      toProblem(new NotFoundError(`No route ${request.method} ${request.url.split("?")[0]}.`), request),
    ),
  );

  // First of the hooks: it answers the cached public status page before the ones it does not need.
  const statusPageCache = registerStatusPageFastPath(app, {
    db: deps.database.db,
    clock: deps.clock,
    publicUrl: deps.publicUrl,
    securityHeaders: await securityHeadersOf(deps.publicUrl),
  });
  await registerSecurityHeaders(app, deps.publicUrl);
  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Tend API",
        version: "1",
        description: "Tickets, people and the promises a support team keeps.",
      },
      servers: [{ url: deps.publicUrl }],
      components: {
        securitySchemes: {
          bearer: {
            type: "http",
            scheme: "bearer",
            description: "An API token from POST /api/v1/tokens or `tend token create`",
          },
          session: {
            type: "apiKey",
            in: "cookie",
            name: "tend_session",
            description:
              "Set by sign-in; its POST, PUT, PATCH and DELETE requests also need the X-CSRF-Token header " +
              "(from the sign-in response or GET /api/v1/auth/session)",
          },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs", staticCSP: apiDocsContentSecurityPolicy });

  for (const schema of [
    ProblemSchema,
    OrganizationSchema,
    PersonSchema,
    GroupSchema,
    ApiTokenSchema,
    TicketSchema,
    CommentSchema,
    TicketEventSchema,
    ViewSchema,
  ]) {
    app.addSchema(schema);
  }

  await app.register(inputHygiene);
  const metrics = deps.metrics ?? new TendMetrics(deps.database.db);
  await app.register(requestDurationMetrics, { metrics });
  await app.register(metricsRoutes, { metrics, token: deps.metricsToken ?? null });
  await app.register(requestContext, {
    base: {
      db: deps.database.db,
      dialect: deps.database.dialect,
      clock: deps.clock,
      ...(deps.secretKey ? { secretBox: secretBoxFor(deps.secretKey) } : {}),
      ...(deps.attachmentsDir ? { attachmentsDir: deps.attachmentsDir } : {}),
      changeFeed,
      ...(deps.jobsCommitted ? { jobsCommitted: deps.jobsCommitted } : {}),
    },
    publicUrl: deps.publicUrl,
  });
  if (deps.readReplica) await app.register(readRouting, { replica: deps.readReplica });
  await app.register(healthRoutes, { db: deps.database.db });
  await app.register(webApp, { dir: deps.webDir ?? defaultWebBuildDir });
  await app.register(statusPageRoutes, {
    db: deps.database.db,
    clock: deps.clock,
    cache: statusPageCache,
  });
  await app.register(subscriptionPublicRoutes);
  await app.register(csatPageRoutes);
  await app.register(statusFeedRoutes, { publicUrl: deps.publicUrl });
  await app.register(helpCenterRoutes);
  await app.register(
    async (api) => {
      api.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
      await api.register(identityRoutes, {
        secureCookies: deps.publicUrl.startsWith("https://"),
        agentsMustUseSingleSignOn: deps.singleSignOn?.mandatory ?? false,
      });
      await api.register(singleSignOnRoutes, {
        provider: deps.singleSignOn ? singleSignOnProvider(deps.singleSignOn) : null,
        secureCookies: deps.publicUrl.startsWith("https://"),
      });
      await api.register(twoFactorRoutes, { secureCookies: deps.publicUrl.startsWith("https://") });
      await api.register(ticketRoutes);
      await api.register(ticketStreamRoutes, { feed: changeFeed });
      await api.register(viewRoutes);
      await api.register(ticketFollowerRoutes);
      await api.register(slaConfigRoutes);
      await api.register(ticketSlaRoutes);
      await api.register(promisedAnswerRoutes);
      await api.register(ticketHealthRoutes);
      await api.register(auditRoutes);
      await api.register(emailRoutes);
      await api.register(attachmentRoutes);
      await api.register(uploadRoutes, { maxBytes: deps.maxAttachmentBytes ?? defaultMaxAttachmentBytes });
      await api.register(privacyRoutes);
      await api.register(satisfactionRoutes);
      await api.register(flowRoutes);
      await api.register(overviewRoutes);
      await api.register(peopleRoutes);
      await api.register(notificationRoutes);
      await api.register(slaReportRoutes);
      await api.register(oncallRoutes, { publicUrl: deps.publicUrl });
      await api.register(handoffRoutes);
      await api.register(pagingRoutes);
      await api.register(pagingTriggerRoutes);
      await api.register(automationRoutes);
      await api.register(statusRoutes);
      await api.register(statusPageSettingsRoutes);
      await api.register(incidentRoutes);
      await api.register(incidentRuleRoutes);
      await api.register(subscriptionAdminRoutes);
      await api.register(maintenanceRoutes);
      await api.register(personPageWebhookRoutes);
      await api.register(slackRoutes, { signingSecret: deps.slackSigningSecret ?? null });
      await api.register(slackEventRoutes, { signingSecret: deps.slackSigningSecret ?? null });
      await api.register(chatRoutes);
      await api.register(knowledgeRoutes);
      await api.register(engineeringRoutes, { publicUrl: deps.publicUrl });
      await api.register(githubWebhookRoutes);
      await api.register(webhookRoutes, { policy: deps.webhooks ?? { allowPrivateNetworks: false } });
      await api.register(frequentQuestionRoutes);
    },
    { prefix: "/api/v1" },
  );
  await app.ready();
  return app;
}
