import { ConflictError, ValidationError } from "../errors.js";
import type { Actor, PersonActor } from "../modules/identity/actor.js";
import { addGroupMember, createGroup, listGroups } from "../modules/identity/manage-groups.js";
import { createOrganization, listOrganizations } from "../modules/identity/manage-organizations.js";
import { createPerson } from "../modules/identity/manage-people.js";
import type { Plan, Stage } from "../modules/identity/organization.js";
import type { OrganizationView } from "../modules/identity/organization-presenter.js";
import type { PersonView } from "../modules/identity/person-presenter.js";
import { findPersonByEmail } from "../modules/identity/person-repository.js";
import { addComment } from "../modules/tickets/add-comment.js";
import { createTicket } from "../modules/tickets/create-ticket.js";
import { autoCloseSolvedTickets, autoSolvePendingTickets } from "../modules/tickets/lifecycle-rules.js";
import type { Category, Severity } from "../modules/tickets/ticket.js";
import type { TicketView } from "../modules/tickets/ticket-presenter.js";
import { updateTicket } from "../modules/tickets/update-ticket.js";
import { DAY, HOUR, MINUTE } from "../shared/clock.js";
import { type Channel, type Context, inTransaction } from "../shared/context.js";
import type { Logger } from "../shared/logger.js";

/**
 * The demo desk a new user lands on: organizations on every plan and stage, agents in both tiers,
 * and tickets in every status with real conversations over the last 30 days.
 *
 * Two phases. `planDemoDesk` is pure: the seed alone decides every name, message and timestamp
 * (relative to now), so the same seed gives the same desk. `buildDemoDesk` then plays the plan
 * through the real use cases, each step with its author as actor and a clock fixed at the step's
 * time, so events, search and the lifecycle rules see what they would in production.
 *
 * Running it on a desk that already has the demo is safe: organizations are found by name and
 * people by email and reused, so a second run adds tickets, never duplicates or name conflicts.
 */

export interface DemoDeskOptions {
  tickets?: number;
  seed?: number;
}

export interface DemoDeskSummary {
  organizations: number;
  customers: number;
  agents: number;
  tickets: number;
  /** The customer with the most requests, whom the demo's portal sign-in shows. */
  busiestCustomerEmail: string | null;
}

const defaultTicketCount = 300;
const defaultSeed = 42;
const demoWindow = 30 * DAY;
const tier1 = "Tier 1";
const platformExperts = "Platform experts";

// ---------------------------------------------------------------------------------------------
// Randomness: mulberry32, small and good enough for a demo; Math.random cannot be seeded.

type Random = () => number;

function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error("demo desk: picked from an empty list");
  return item;
}

function between(random: Random, min: number, max: number): number {
  return min + random() * (max - min);
}

function wholeBetween(random: Random, min: number, max: number): number {
  return Math.floor(between(random, min, max + 1));
}

function pickWeighted<T>(random: Random, items: readonly { item: T; weight: number }[]): T {
  const total = items.reduce((sum, entry) => sum + entry.weight, 0);
  let roll = random() * total;
  for (const entry of items) {
    roll -= entry.weight;
    if (roll < 0) return entry.item;
  }
  return pick(random, items).item;
}

function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

// ---------------------------------------------------------------------------------------------
// The cast: fixed organizations and agents; customers are drawn from the seed.

interface OrganizationProfile {
  name: string;
  domain: string;
  plan: Plan;
  stage: Stage;
  timeZone: string;
  region: string;
  notes: string;
}

const organizationProfiles: OrganizationProfile[] = [
  {
    name: "Northwind Logistics",
    domain: "northwind-logistics.example",
    plan: "self_hosted",
    stage: "customer",
    timeZone: "America/Chicago",
    region: "us-central",
    notes: "Runs Tend on their own Kubernetes cluster; upgrades quarterly.",
  },
  {
    name: "Bergmann Maschinenbau",
    domain: "bergmann-maschinenbau.example",
    plan: "self_hosted",
    stage: "customer",
    timeZone: "Europe/Berlin",
    region: "eu-central",
    notes: "Air-gapped install; send patches as signed bundles.",
  },
  {
    name: "Kestrel Health",
    domain: "kestrel-health.example",
    plan: "self_hosted",
    stage: "pre_sales",
    timeZone: "America/New_York",
    region: "us-east",
    notes: "Evaluating a self-hosted install for HIPAA reasons.",
  },
  {
    name: "Lumen Analytics",
    domain: "lumen-analytics.example",
    plan: "managed",
    stage: "customer",
    timeZone: "Europe/London",
    region: "eu-west",
    notes: "Managed in their AWS account; change window Tuesdays 06:00 UTC.",
  },
  {
    name: "Parkside Credit Union",
    domain: "parkside-cu.example",
    plan: "managed",
    stage: "customer",
    timeZone: "America/Denver",
    region: "us-west",
    notes: "Regulated: every production change needs a ticket reference.",
  },
  {
    name: "Orchard Robotics",
    domain: "orchard-robotics.example",
    plan: "managed",
    stage: "pre_sales",
    timeZone: "Asia/Tokyo",
    region: "ap-northeast",
    notes: "Proof of concept in progress; decision expected this quarter.",
  },
  {
    name: "Brightwave Media",
    domain: "brightwave-media.example",
    plan: "cloud",
    stage: "customer",
    timeZone: "Europe/Amsterdam",
    region: "eu-west",
    notes: "Traffic peaks on Sunday evenings during live broadcasts.",
  },
  {
    name: "Tidepool Games",
    domain: "tidepool-games.example",
    plan: "cloud",
    stage: "customer",
    timeZone: "America/Los_Angeles",
    region: "us-west",
    notes: "Heavy API user: nightly sync of player data.",
  },
  {
    name: "Fennec Travel",
    domain: "fennec-travel.example",
    plan: "cloud",
    stage: "customer",
    timeZone: "Africa/Casablanca",
    region: "eu-south",
    notes: "Small team; prefers email over the portal.",
  },
  {
    name: "Copperleaf Retail",
    domain: "copperleaf-retail.example",
    plan: "cloud",
    stage: "customer",
    timeZone: "Australia/Sydney",
    region: "ap-southeast",
    notes: "Seasonal peak in November; pre-scale before Black Friday.",
  },
  {
    name: "Quillfeather Studio",
    domain: "quillfeather.example",
    plan: "cloud",
    stage: "pre_sales",
    timeZone: "Europe/Dublin",
    region: "eu-west",
    notes: "Trial started this month; interested in SSO.",
  },
  {
    name: "Saltmarsh Energy",
    domain: "saltmarsh-energy.example",
    plan: "cloud",
    stage: "pre_sales",
    timeZone: "Europe/Oslo",
    region: "eu-north",
    notes: "Asked about data residency in the EU.",
  },
  {
    name: "Meridian Federal Bank",
    domain: "meridian-bank.example",
    plan: "custom",
    stage: "customer",
    timeZone: "America/New_York",
    region: "us-east",
    notes: "Dedicated cluster, 24/7 sev1 coverage, named technical account manager.",
  },
  {
    name: "Atlas Freight Group",
    domain: "atlas-freight.example",
    plan: "custom",
    stage: "customer",
    timeZone: "Asia/Singapore",
    region: "ap-southeast",
    notes: "Custom contract: 30-minute sev1 response, quarterly service reviews.",
  },
  {
    name: "Halcyon University",
    domain: "halcyon-university.example",
    plan: "custom",
    stage: "pre_sales",
    timeZone: "Europe/Madrid",
    region: "eu-south",
    notes: "Tender in progress; needs SAML with their campus IdP.",
  },
  {
    name: "Granite Peak Insurance",
    domain: "granite-peak.example",
    plan: "managed",
    stage: "customer",
    timeZone: "America/Toronto",
    region: "ca-central",
    notes: "Managed in their Azure tenant; audits twice a year.",
  },
];

interface AgentProfile {
  name: string;
  email: string;
  timeZone: string;
  groups: string[];
}

const agentProfiles: AgentProfile[] = [
  { name: "Priya Raman", email: "priya.raman", timeZone: "Europe/London", groups: [tier1] },
  { name: "Tomás Herrera", email: "tomas.herrera", timeZone: "Europe/Madrid", groups: [tier1] },
  { name: "Aiko Tanaka", email: "aiko.tanaka", timeZone: "Asia/Tokyo", groups: [tier1] },
  { name: "Jonas Weber", email: "jonas.weber", timeZone: "Europe/Berlin", groups: [tier1] },
  { name: "Grace Okafor", email: "grace.okafor", timeZone: "Africa/Lagos", groups: [tier1] },
  { name: "Liam O'Connor", email: "liam.oconnor", timeZone: "America/New_York", groups: [tier1] },
  {
    name: "Sofia Marchetti",
    email: "sofia.marchetti",
    timeZone: "Europe/Rome",
    groups: [platformExperts, tier1],
  },
  { name: "Daniel Kim", email: "daniel.kim", timeZone: "America/Los_Angeles", groups: [platformExperts] },
  { name: "Ngozi Adeyemi", email: "ngozi.adeyemi", timeZone: "Europe/London", groups: [platformExperts] },
  {
    name: "Erik Lindqvist",
    email: "erik.lindqvist",
    timeZone: "Europe/Stockholm",
    groups: [platformExperts],
  },
];

const agentDomain = "support.tend-demo.example";

const firstNames = [
  "Amara",
  "Ben",
  "Chloé",
  "Dmitri",
  "Elena",
  "Farah",
  "Gabriel",
  "Hana",
  "Ines",
  "Jakob",
  "Kwame",
  "Laura",
  "Mateo",
  "Nadia",
  "Oliver",
  "Paula",
  "Rahul",
  "Sara",
  "Thomas",
  "Uma",
  "Viktor",
  "Wen",
  "Yusuf",
  "Zoe",
  "Carlos",
  "Mei",
  "Noah",
  "Leila",
  "Sven",
  "Fatima",
];
const lastNames = [
  "Andersen",
  "Bauer",
  "Chen",
  "Dubois",
  "Eriksen",
  "Fischer",
  "García",
  "Haddad",
  "Ito",
  "Jensen",
  "Kowalski",
  "Larsen",
  "Moreau",
  "Nakamura",
  "Osei",
  "Patel",
  "Quinn",
  "Rossi",
  "Schmidt",
  "Tan",
  "Usman",
  "Varga",
  "Walsh",
  "Yilmaz",
  "Novak",
  "Silva",
  "Mensah",
  "Costa",
];

function emailLocalPart(name: string): string {
  return name
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z ]/g, "")
    .trim()
    .replace(/\s+/g, ".");
}

const planLabels: Record<Plan, string> = {
  self_hosted: "Self-hosted",
  managed: "Managed",
  cloud: "Cloud",
  custom: "Custom",
};

// ---------------------------------------------------------------------------------------------
// The conversations. `{name}` placeholders are filled per ticket; agent messages get a greeting
// and the agent's signature, customer messages a sign-off.

type CustomerChannel = "email" | "portal" | "api";

interface Scenario {
  subjects: string[];
  opening: string;
  /** Outages are reported as such: the customer sets severity and category when opening. */
  reportedAs?: { severity: Severity; category: Category };
  severity: Severity;
  category: Category;
  tags: string[];
  plans?: Plan[];
  stages?: Stage[];
  channels?: CustomerChannel[];
  acknowledge: string;
  details: string;
  triageNote: string;
  /** Set when Tier 1 hands the ticket to Platform experts after the customer's details. */
  escalationNote?: string;
  fix: string;
  confirmation: string;
  wrapUp: string;
}

const hostedPlans: Plan[] = ["managed", "cloud", "custom"];
// Most customers write by email; the portal is the other half of the front door.
const defaultChannels: CustomerChannel[] = ["email", "email", "portal"];

const scenarios: Scenario[] = [
  {
    subjects: [
      "Can't log in to the dashboard since this morning",
      "Login loop after entering password",
      "Whole team locked out of the console",
    ],
    opening:
      "Since around {since} none of us can sign in to the dashboard for {env}. After entering the password the page reloads back to the login form, no error shown. We tried different browsers and an incognito window.\n\nWe need to push a configuration change today, so this is blocking us.",
    severity: "sev2",
    category: "other",
    tags: ["login", "auth"],
    acknowledge:
      "Thanks for reporting this. Could you send us the time of one failed attempt and the email address you used? If you can, a HAR file from the browser's network tab would show us which request fails.",
    details:
      "Here you go: failed attempt at {since} UTC with {email}. HAR file attached. The response to /session is a 302 back to /login, with no Set-Cookie header.",
    triageNote:
      "Auth logs for {env} show the session cookie being rejected: domain mismatch since last week's hostname change. The cookie domain still points at the old hostname.",
    fix: "The session cookie for {env} was still scoped to the old hostname after the hostname change, so the browser dropped it on every redirect. We corrected the cookie domain and cleared the stale sessions; signing in works again on our test account.",
    confirmation: "Confirmed, everyone on our team can log in again. Thanks for the quick fix!",
    wrapUp: "Great to hear. I'm marking this as solved; just reply here if it comes back.",
  },
  {
    subjects: [
      "SAML SSO with Okta fails: invalid audience",
      "SSO login broken after rotating our IdP certificate",
      "Azure AD single sign-on returns 'signature not accepted'",
    ],
    opening:
      "We're rolling out single sign-on for {org}. When users click 'Sign in with SSO' they come back with the error \"Invalid audience\". The ACS URL and entity ID were copied from the setup page.",
    severity: "sev2",
    category: "other",
    tags: ["sso", "saml"],
    acknowledge:
      "Thanks. SSO setup problems are usually a mismatch between the entity ID we expect and the audience in the assertion. Could you export the SAML app metadata from your identity provider and attach it here? It contains no secrets.",
    details:
      "Metadata attached. The audience is set to https://{domain}/saml on our side. Is that not right?",
    triageNote:
      "Audience is the customer's own domain; it must be our tenant entity ID. Their signing certificate also uses SHA-1, which we reject since the last release.",
    escalationNote:
      "Escalating to Platform experts: please confirm the SHA-1 rejection path and whether the tenant audit log can show the exact reason.",
    fix: "Two things need to change in your identity provider: set the Audience URI to the entity ID shown on the SSO setup page (not your own domain), and switch the signature algorithm to RSA-SHA256. We stopped accepting SHA-1 signatures in the last release.",
    confirmation:
      "That was it. After switching to SHA-256 and fixing the audience, SSO works for the whole team.",
    wrapUp: "Excellent! Marking this solved. A clearer error message for SHA-1 assertions is on our backlog.",
  },
  {
    subjects: [
      "Nightly backup for {env} did not run",
      "Backup job failed two nights in a row",
      "Backup report shows 'failed' for {env}",
    ],
    opening:
      "Our backup report shows that the nightly backup of {env} did not complete last night: status 'failed', no details. The previous one was fine. We have an audit next week and need an unbroken backup history.",
    severity: "sev2",
    category: "other",
    tags: ["backups"],
    plans: hostedPlans,
    stages: ["customer"],
    acknowledge:
      "Thank you for flagging this. I'm checking the backup runner logs for {env} now. Did anything change on your side yesterday, such as new volumes or a large data import?",
    details: "Yes, we imported about 400 GB of historical data yesterday afternoon. Nothing else changed.",
    triageNote:
      "The backup of {env} hit the 4-hour snapshot timeout because of the import. Volumes are healthy; the job needs a longer window.",
    escalationNote:
      "Escalating to Platform experts to raise the snapshot window for this tenant and run a manual backup before tonight.",
    fix: "The backup timed out because the import roughly doubled the data to snapshot. We ran a manual backup this morning (completed, and verified with a test restore) and raised the backup window for {env} so tonight's run has room to finish.",
    confirmation: "Thanks, last night's backup is green in the report now.",
    wrapUp: "Perfect. Solving this one; the larger window stays in place for future imports.",
  },
  {
    subjects: [
      "Invoice {invoice} charged twice",
      "Question about invoice {invoice}",
      "Duplicate card payment this month",
    ],
    opening:
      "Our finance team noticed that invoice {invoice} was charged twice to the company card. Could you refund the duplicate charge? I can send the bank statement if needed.",
    severity: "sev2",
    category: "other",
    tags: ["billing"],
    stages: ["customer"],
    acknowledge:
      "Sorry about that! I've asked our billing team to look into it. Could you confirm the last four digits of the card that was charged so we can match both transactions?",
    details: "The card ends in {last4}. Both charges are on the same day.",
    triageNote:
      "Payment provider retried after a timeout and both captures succeeded. Billing confirms the duplicate and will refund it.",
    fix: "The duplicate came from a retried payment that our provider captured twice. We refunded the second charge; it appears on your statement within 5 to 10 business days. The refund reference is {refund}.",
    confirmation: "Received the refund confirmation, thank you.",
    wrapUp: "You're welcome. Marking this as solved.",
  },
  {
    subjects: [
      "Request: new staging environment in {region}",
      "Please provision a sandbox for our QA team",
      "New production environment for our {region} launch",
    ],
    opening:
      "We'd like a new environment for {org} in {region}, the same size as {env} and with its own database. Our QA team needs it by the end of next week. Who do we talk to about the cost?",
    severity: "sev2",
    category: "provisioning",
    tags: ["provisioning", "new-environment"],
    plans: hostedPlans,
    acknowledge:
      "Happy to help. To size it correctly: how many concurrent users do you expect, and should we copy data from {env} or start empty?",
    details: "About 50 concurrent users, start empty please. Same network allow-list as {env}.",
    triageNote: "Capacity in {region} is fine. Needs Platform for the VPC peering and the allow-list copy.",
    escalationNote: "Escalating to Platform experts for the network setup (VPC peering and allow-list).",
    fix: "Your new environment {newEnv} is ready. It has its own database and the same allow-list as {env}; the admin credentials were sent to you separately. It's billed at the same rate as {env}, prorated for this month.",
    confirmation: "We're in, and QA has started using it. Thanks!",
    wrapUp: "Great! Solving this. Enjoy the new environment.",
  },
  {
    subjects: [
      "URGENT: {env} is down, 502 on every request",
      "Production outage: API not responding",
      "Outage: our site is unreachable for all users",
    ],
    opening:
      "Our production environment {env} has been returning 502 Bad Gateway on every request since {since} UTC. All of our users are affected. Please treat this as an emergency.",
    reportedAs: { severity: "sev1", category: "availability" },
    severity: "sev1",
    category: "availability",
    tags: ["outage", "incident"],
    plans: hostedPlans,
    stages: ["customer"],
    acknowledge:
      "We're on it: our on-call engineer is looking at the load balancer for {env} right now, and I'll update you within 30 minutes. Are your internal admin endpoints affected as well?",
    details:
      "Admin endpoints too. Our health checks started failing at {since} UTC; nothing was deployed on our side since yesterday.",
    triageNote:
      "Load balancer for {env} lost its backend pool after the node pool upgrade: 2 of 3 nodes fail their readiness check.",
    escalationNote:
      "Sev1: escalating to Platform experts. Incident channel opened; updates every 30 minutes.",
    fix: "{env} is back up. Root cause: a node pool upgrade left two nodes failing their readiness check, so the load balancer had no healthy backends. We rolled the nodes back and the error rate has been zero for 20 minutes. A written post-incident report follows within 3 business days.",
    confirmation: "Traffic is flowing normally again on our side. Please do send the report.",
    wrapUp: "Will do; the report will come to this address. Marking this solved.",
  },
  {
    subjects: [
      "HTTP 429 from the API at about {rate} requests per second",
      "API rate limit too low for our nightly sync",
      "Can we raise the API rate limit?",
    ],
    opening:
      "Our nightly sync job started failing with HTTP 429 Too Many Requests at around {rate} requests per second. The documentation says the limit is higher for our plan. Is something wrong, or can the limit be raised?",
    severity: "sev2",
    category: "other",
    tags: ["api", "rate-limit"],
    plans: hostedPlans,
    acknowledge:
      "Could you share the name of the API token your sync uses (not the token itself) and the time window of the failures? Limits are per token, so we'll check which bucket it hits.",
    details: "The token is called 'nightly-sync'. Failures are between 01:00 and 01:40 UTC.",
    triageNote:
      "Token 'nightly-sync' bursts to 3x the sustained rate at 01:00. The burst allowance is the issue, not the sustained limit.",
    fix: "Your sync bursts above the per-token burst allowance at the start of the run. We raised the burst allowance for 'nightly-sync'. We'd also recommend honouring the Retry-After header; our client libraries do that automatically from version 2.4.",
    confirmation: "Last night's sync ran clean, no 429s. Thanks!",
    wrapUp: "Glad it's sorted. Solving this ticket.",
  },
  {
    subjects: [
      "TLS certificate for app.{domain} expires in {days} days",
      "Certificate renewal failed for our custom domain",
      "Browser warns about the certificate on app.{domain}",
    ],
    opening:
      "Our monitoring warns that the TLS certificate for app.{domain} expires in {days} days, and the automatic renewal doesn't seem to have happened. Could you check?",
    severity: "sev2",
    category: "provisioning",
    tags: ["tls", "certificates"],
    plans: hostedPlans,
    stages: ["customer"],
    acknowledge:
      "Thanks for the heads-up. Automatic renewal needs the CNAME record _acme-challenge.app.{domain} to point to us. Could you check whether that record still exists in your DNS?",
    details: "Our DNS provider migration removed it, sorry. I've added it back just now.",
    triageNote:
      "ACME challenge has failed for 9 days: NXDOMAIN on the challenge record. The customer re-added it; retrying the renewal.",
    fix: "With the record back in place the renewal went through: the new certificate for app.{domain} is valid for 90 days and renewals run automatically again.",
    confirmation: "I can see the new expiry date in the browser. Thank you!",
    wrapUp: "You're welcome. Marking this as solved.",
  },
  {
    subjects: [
      "Upgrade to 4.2 fails at the database migration step",
      "Helm upgrade stuck on the pre-upgrade hook",
      "Self-hosted upgrade: migration error 'relation already exists'",
    ],
    opening:
      "We're upgrading our self-hosted installation from 4.1 to 4.2. The database migration step fails with 'relation \"audit_events\" already exists'. We've rolled back for now. How should we proceed?",
    severity: "sev2",
    category: "other",
    tags: ["upgrade", "self-hosted"],
    plans: ["self_hosted"],
    stages: ["customer"],
    acknowledge:
      "Thanks for the detail. Could you run `tend doctor --json` on the current installation and attach the output? It shows which migrations are recorded as applied.",
    details:
      "Output attached. Migration 2026-08-audit-events is listed as pending, but the table is already there.",
    triageNote:
      "Known issue: an interrupted 4.1 hotfix created audit_events without recording the migration. The workaround is to mark it applied.",
    escalationNote:
      "Escalating to Platform experts to confirm the manual migration fix is safe on their PostgreSQL 14 setup.",
    fix: "The table was created by an interrupted hotfix without the migration being recorded. Run `tend migrate --mark-applied 2026-08-audit-events`, then re-run the upgrade: it continues from the next migration. 4.2.1 will detect this case by itself.",
    confirmation: "The upgrade went through with that command. We're on 4.2 now.",
    wrapUp: "Great news. Marking this solved.",
  },
  {
    subjects: [
      "Questions about pricing for {seats} seats",
      "Evaluating the platform: can our data stay in the EU?",
      "Trial extension and SCIM question",
    ],
    opening:
      "We're evaluating the platform for {org} and have a few questions before we sign: can our data stay in the EU, do you support SCIM provisioning, and what would pricing look like for about {seats} seats?",
    severity: "sev2",
    category: "other",
    tags: ["pre-sales", "licensing"],
    stages: ["pre_sales"],
    acknowledge:
      "Thanks for considering us! Data can stay in the EU (Frankfurt or Dublin) and SCIM is supported on all paid plans. For pricing: would you like us to host it, or run it yourselves?",
    details:
      "We'd prefer that you host it, ideally in Frankfurt. Could we also extend our trial by two weeks?",
    triageNote:
      "Pre-sales lead, {seats} seats, {plan} plan. Account executive looped in; trial extension approved.",
    fix: "I've extended your trial by 14 days and attached a quote for {seats} seats hosted in Frankfurt, including SCIM and SSO. Our account executive will reach out to schedule a call.",
    confirmation: "Thanks, the quote looks good. We'll review it internally this week.",
    wrapUp: "Sounds good. Solving this for now; reply any time with more questions.",
  },
  {
    subjects: [
      "Webhooks to our endpoint time out",
      "Webhook deliveries stopped this morning",
      "Missing webhook events",
    ],
    opening:
      "Since {since} UTC we're not receiving webhook deliveries on our endpoint. The delivery log in the dashboard shows 'timeout after 10s'. Our endpoint answers in under 200 ms when we test it with curl.",
    severity: "sev2",
    category: "other",
    tags: ["webhooks", "integrations"],
    plans: hostedPlans,
    acknowledge:
      "Could you confirm the endpoint URL and whether it sits behind a firewall or IP allow-list? We recently added new egress IP addresses.",
    details: "Yes, it's behind our firewall with an IP allow-list. We haven't changed it in months.",
    triageNote:
      "Our egress IPs changed with the network migration; the customer's allow-list still has the old range.",
    fix: "Our webhook traffic now leaves from a new IP range, listed at https://docs.tend-demo.example/egress-ips. Please add it to your allow-list; the failed deliveries are queued for replay once it's in place.",
    confirmation: "Added the new range and the replayed events came through. Thanks!",
    wrapUp: "Great. Solving this one.",
  },
  {
    subjects: [
      "Dashboard very slow since yesterday",
      "Search takes over 10 seconds on {env}",
      "API latency p95 above 3 seconds",
    ],
    opening:
      "Since yesterday the dashboard on {env} takes 8 to 10 seconds to load the main list, and API calls are noticeably slower (p95 above 3 s on our side). Nothing changed on our end.",
    severity: "sev2",
    category: "availability",
    tags: ["performance"],
    plans: hostedPlans,
    stages: ["customer"],
    acknowledge:
      "Sorry for the slowdown. Is it every page, or mostly the lists and search? A request ID from a slow response (the X-Request-Id header) would help us trace it.",
    details: "Mostly lists and search. One slow request: {requestId}.",
    triageNote:
      "Database CPU on {env} pinned at 95% since the index maintenance job stalled; list queries are doing sequential scans.",
    escalationNote:
      "Escalating to Platform experts to rebuild the index online and find out why the job stalled.",
    fix: "An index maintenance job on {env}'s database stalled and left the list queries without their index. We rebuilt the index and latency is back to normal (p95 around 180 ms). A stalled job now pages us.",
    confirmation: "Much faster now, thanks.",
    wrapUp: "Glad to hear it. Marking as solved.",
  },
  {
    subjects: ["Password reset emails not arriving", "New users never get their invitation email"],
    opening:
      "Several of our users say they never receive the password reset email. We checked spam folders. Could you see whether the messages are being sent?",
    severity: "sev2",
    category: "other",
    tags: ["email", "login"],
    acknowledge: "Could you give us one or two of the affected addresses? I'll check our mail delivery logs.",
    details: "For example {colleagueEmail}, who tried three times this morning.",
    triageNote:
      "Delivery log: hard bounces from their mail gateway with 'SPF check failed'. Their gateway rejects our sending domain.",
    fix: "The emails are sent, but your mail gateway rejects them because of a strict SPF rule. Please allow our sending domain mail.tend-demo.example on your gateway. We cleared the bounce suppression so the next reset goes out normally.",
    confirmation: "Our IT team added the rule and resets arrive now.",
    wrapUp: "Perfect, solving this.",
  },
  {
    subjects: ["[monitor] Health check failing for {env}", "[monitor] {env} returns 503 Service Unavailable"],
    opening:
      "Automated alert from {org} monitoring.\n\nCheck: https://{env}.{domain}/healthz\nStatus: failing for 15 minutes\nLast response: 503 Service Unavailable\n\nOpened by our monitoring integration.",
    reportedAs: { severity: "sev1", category: "availability" },
    severity: "sev1",
    category: "availability",
    tags: ["monitoring", "disk"],
    plans: hostedPlans,
    stages: ["customer"],
    channels: ["api"],
    acknowledge:
      "We see the alert. The {env} health check fails because the database disk crossed 95%. We'd like to expand the volume now, which causes no downtime. Is that OK without a maintenance window?",
    details: "Yes, go ahead, no window needed.",
    triageNote:
      "Disk on the {env} database at 96%: request log growth since debug logging was left on. Expanding the volume.",
    escalationNote: "Escalating to Platform experts for the online volume expansion.",
    fix: "The volume for {env} was expanded from 200 to 400 GB and the health check is green again. Most of the growth came from debug-level request logging, which is still on; turning it off in Settings, Logging will slow the growth considerably.",
    confirmation: "Debug logging is off now. Thanks for the quick reaction.",
    wrapUp: "Thanks. Solving this; we'll keep an eye on the disk trend.",
  },
  {
    subjects: ["Data export for a GDPR deletion request", "Need a full export of one end user's data"],
    opening:
      "We received a data subject request and need to export, then delete, all data for one of our end users. What's the recommended way to do this on the platform?",
    severity: "sev2",
    category: "other",
    tags: ["gdpr", "data-export"],
    stages: ["customer"],
    acknowledge:
      "The export is available under Settings, Privacy, Export person data. Before we help with the deletion: could you confirm the user's ID and that the request has been verified on your side?",
    details: "User ID is {userId}, and yes, the request is verified by our DPO.",
    triageNote:
      "Deletion is irreversible and also purges backups after 35 days; make sure the customer knows.",
    fix: "The export for user {userId} is attached as a ZIP archive. The deletion has been scheduled: live data is removed now, and backups containing it expire within 35 days, as described in our DPA.",
    confirmation: "Got the export, and we've informed the requester. Thanks for the clear explanation.",
    wrapUp: "You're welcome. Marking this solved.",
  },
];

const greetings = ["Hi,", "Hello,", "Hi team,", "Hello support,", "Good morning,"];
const signOffs = [
  "{first}",
  "Thanks,\n{first}",
  "Best regards,\n{fullName}",
  "Cheers,\n{first}",
  "Kind regards,\n{fullName}\n{org}",
];
const pendingAsks = [
  "Could you confirm it works on your side?",
  "Let us know once you've had a chance to check.",
  "Could you give it a try and confirm?",
];
const solvedOutright = [
  "I'll mark this as solved; just reply if anything comes back.",
  "Marking this as solved. Replying to this message reopens it.",
];
const customerNudges = [
  "Any update on this? It's still happening for us.",
  "Just following up: is anyone looking at this?",
  "Adding a screenshot of the error in case it helps.",
];
const newTicketNotes = [
  "Picking this up after the morning stand-up.",
  "Possibly related to last night's maintenance on {env}; checking before replying.",
  "{plan} plan: check the contract's response times before replying.",
];
const environments = ["prod-eu-1", "prod-us-east", "staging", "prod-ap-1", "production", "eu-central-prod"];
const newEnvironments = ["staging-2", "qa", "sandbox", "prod-eu-2", "uat"];

function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (placeholder, key: string) => values[key] ?? placeholder);
}

// ---------------------------------------------------------------------------------------------
// The plan: pure, from the seed and the current time.

/** How a ticket's story ends: five statuses, and Pending left long enough for the auto-solve rule. */
type Arc = "new" | "open" | "pending" | "solved" | "closed" | "auto_solved";

const arcWeights: { item: Arc; weight: number }[] = [
  { item: "closed", weight: 34 },
  { item: "open", weight: 20 },
  { item: "pending", weight: 14 },
  { item: "solved", weight: 12 },
  { item: "new", weight: 12 },
  { item: "auto_solved", weight: 8 },
];

type StepDraft =
  | { kind: "customer_replies"; body: string }
  | { kind: "triage"; agent: number; tags: string[]; severity: Severity; category: Category }
  | { kind: "escalate"; agent: number; expert: number }
  | { kind: "internal_note"; agent: number; body: string }
  | {
      kind: "agent_replies";
      agent: number;
      body: string;
      status: "pending" | "solved";
      /** The troubleshooting summary and next steps that make a reply count as a response. */
      qualifying?: { summary: string; nextSteps: string };
    };

type Step = StepDraft & { at: number };

interface CustomerPlan {
  name: string;
  email: string;
}

interface OrganizationPlan extends OrganizationProfile {
  customers: CustomerPlan[];
}

interface TicketPlan {
  organization: number;
  requester: number;
  subject: string;
  body: string;
  channel: CustomerChannel;
  reportedAs?: { severity: Severity; category: Category };
  openedAt: number;
  steps: Step[];
}

interface DemoPlan {
  organizations: OrganizationPlan[];
  agents: AgentProfile[];
  tickets: TicketPlan[];
}

function planCustomers(random: Random, organization: OrganizationProfile): CustomerPlan[] {
  const count = wholeBetween(random, 2, 6);
  const customers: CustomerPlan[] = [];
  const taken = new Set<string>();
  while (customers.length < count) {
    const name = `${pick(random, firstNames)} ${pick(random, lastNames)}`;
    const local = emailLocalPart(name);
    if (taken.has(local)) continue;
    taken.add(local);
    customers.push({ name, email: `${local}@${organization.domain}` });
  }
  return customers;
}

/** Picks when the story ends, by arc, so the lifecycle rules leave each ticket in its intended status. */
function planTimeline(random: Random, arc: Arc, now: number, stepCount: number): number[] {
  const windowStart = now - demoWindow + 30 * MINUTE;
  const ranges: Record<Arc, { end: [number, number]; span: [number, number] }> = {
    new: { end: [now - 2 * DAY, now - 10 * MINUTE], span: [20 * MINUTE, 20 * HOUR] },
    open: { end: [now - 10 * DAY, now - 15 * MINUTE], span: [3 * HOUR, 4 * DAY] },
    // Pending stays pending only while its last activity is under 5 days old; Solved stays
    // solved only under 4 days. Closed and auto-solved end well past those marks.
    pending: { end: [now - 5 * DAY + 3 * HOUR, now - 15 * MINUTE], span: [3 * HOUR, 5 * DAY] },
    solved: { end: [now - 4 * DAY + 3 * HOUR, now - 15 * MINUTE], span: [4 * HOUR, 6 * DAY] },
    closed: { end: [windowStart + DAY, now - 4 * DAY - 3 * HOUR], span: [4 * HOUR, 6 * DAY] },
    auto_solved: { end: [windowStart + DAY, now - 5 * DAY - 3 * HOUR], span: [4 * HOUR, 5 * DAY] },
  };
  const { end: endRange, span: spanRange } = ranges[arc];
  const end = between(random, ...endRange);
  // Stories clipped at the window's edge start at scattered times, not all in the same second.
  const start = Math.max(windowStart + random() * 12 * HOUR, end - between(random, ...spanRange));
  const gaps = Array.from({ length: stepCount - 1 }, () => random() + 0.2);
  const gapTotal = gaps.reduce((sum, gap) => sum + gap, 0);
  const times = [start];
  let elapsed = 0;
  for (const gap of gaps) {
    elapsed += gap;
    times.push(start + ((end - start) * elapsed) / gapTotal);
  }
  // Whole seconds read better in the timeline; keep every step strictly after the one before.
  const rounded: number[] = [];
  for (const time of times) {
    const second = Math.round(time / 1000) * 1000;
    rounded.push(Math.max(second, (rounded.at(-1) ?? -Infinity) + 1000));
  }
  return rounded;
}

function planStory(
  random: Random,
  arc: Arc,
  scenario: Scenario,
  text: (template: string, agent?: number) => string,
  agents: { tier1: number[]; experts: number[] },
): StepDraft[] {
  const first = pick(random, agents.tier1);
  const expert = pick(random, agents.experts);
  const agentMessage = (body: string, agent: number, tail?: string) =>
    text(`Hi {first},\n\n${body}${tail ? ` ${tail}` : ""}\n\n{agent}`, agent);
  const customerMessage = (body: string) => text(`${body}\n\n{first}`);
  const triage: StepDraft = {
    kind: "triage",
    agent: first,
    tags: scenario.tags,
    severity: scenario.severity,
    category: scenario.category,
  };

  if (arc === "new") {
    const steps: StepDraft[] = [];
    if (random() < 0.5) steps.push(triage);
    if (random() < 0.4)
      steps.push({ kind: "internal_note", agent: first, body: text(pick(random, newTicketNotes)) });
    if (random() < 0.3)
      steps.push({ kind: "customer_replies", body: customerMessage(pick(random, customerNudges)) });
    return steps;
  }

  let owner = first;
  const steps: StepDraft[] = [
    triage,
    { kind: "internal_note", agent: first, body: text(scenario.triageNote) },
    {
      kind: "agent_replies",
      agent: first,
      body: agentMessage(scenario.acknowledge, first),
      status: "pending",
    },
  ];
  if (arc === "pending" && random() < 0.5) return steps;
  steps.push({ kind: "customer_replies", body: customerMessage(scenario.details) });
  if (scenario.escalationNote) {
    steps.push(
      { kind: "internal_note", agent: first, body: text(scenario.escalationNote) },
      { kind: "escalate", agent: first, expert },
    );
    owner = expert;
  }
  if (arc === "open") return steps;

  const solveNow = (arc === "solved" || arc === "closed") && random() < 0.3;
  const tail = solveNow ? pick(random, solvedOutright) : pick(random, pendingAsks);
  steps.push({
    kind: "agent_replies",
    agent: owner,
    body: agentMessage(scenario.fix, owner, tail),
    status: solveNow ? "solved" : "pending",
    qualifying: {
      summary: text(scenario.triageNote),
      nextSteps: solveNow
        ? "Nothing more is needed on your side; reply here if it comes back."
        : "Please try the change above and tell us whether it helps.",
    },
  });
  if (arc === "pending" || arc === "auto_solved" || solveNow) return steps;
  steps.push(
    { kind: "customer_replies", body: customerMessage(scenario.confirmation) },
    {
      kind: "agent_replies",
      agent: owner,
      body: agentMessage(scenario.wrapUp, owner),
      status: "solved",
      qualifying: {
        summary: "You confirmed the fix works on your side.",
        nextSteps: "We are solving the ticket; a reply reopens it.",
      },
    },
  );
  return steps;
}

function planArcs(random: Random, count: number): Arc[] {
  // Every status shows up whenever there are enough tickets for it; the rest follow the weights.
  const arcs: Arc[] = (["closed", "open", "pending", "solved", "new", "auto_solved"] as const).slice(
    0,
    count,
  );
  while (arcs.length < count) arcs.push(pickWeighted(random, arcWeights));
  return shuffle(random, arcs);
}

function utcTime(time: number): string {
  return new Date(time).toISOString().slice(11, 16);
}

function planDemoDesk(seed: number, ticketCount: number, now: number): DemoPlan {
  const random = mulberry32(seed);
  const organizations = organizationProfiles.map((profile) => ({
    ...profile,
    customers: planCustomers(random, profile),
  }));
  const agentIndexes = (group: string) =>
    agentProfiles.flatMap((agent, index) => (agent.groups.includes(group) ? [index] : []));
  const agents = { tier1: agentIndexes(tier1), experts: agentIndexes(platformExperts) };
  const organizationWeights = organizations.map((organization, index) => ({
    item: index,
    weight: (organization.stage === "customer" ? 3 : 1) * (organization.plan === "custom" ? 1.5 : 1),
  }));
  const year = new Date(now).getUTCFullYear();

  const tickets = planArcs(random, ticketCount).map((arc): TicketPlan => {
    const organizationIndex = pickWeighted(random, organizationWeights);
    const organization = organizations[organizationIndex] as OrganizationPlan;
    const requesterIndex = wholeBetween(random, 0, organization.customers.length - 1);
    const requester = organization.customers[requesterIndex] as CustomerPlan;
    const colleague = pick(random, organization.customers);
    const scenario = pick(
      random,
      scenarios.filter(
        (s) =>
          (!s.plans || s.plans.includes(organization.plan)) &&
          (!s.stages || s.stages.includes(organization.stage)),
      ),
    );
    const values: Record<string, string> = {
      first: requester.name.split(" ")[0] ?? requester.name,
      fullName: requester.name,
      email: requester.email,
      colleagueEmail: colleague === requester ? `it-helpdesk@${organization.domain}` : colleague.email,
      org: organization.name,
      domain: organization.domain,
      region: organization.region,
      plan: planLabels[organization.plan],
      env: pick(random, environments),
      newEnv: pick(random, newEnvironments),
      invoice: `INV-${year}-${wholeBetween(random, 1000, 9999)}`,
      refund: `RF-${wholeBetween(random, 100000, 999999)}`,
      last4: String(wholeBetween(random, 1000, 9999)),
      rate: String(wholeBetween(random, 40, 200)),
      days: String(wholeBetween(random, 3, 14)),
      seats: String(wholeBetween(random, 2, 40) * 25),
      userId: `usr_${wholeBetween(random, 100000, 999999)}`,
      requestId: `req_${Math.floor(random() * 2 ** 32).toString(16)}`,
    };
    const text = (template: string, agent?: number) =>
      fill(template, {
        ...values,
        agent: agent === undefined ? "" : (agentProfiles[agent]?.name.split(" ")[0] ?? ""),
      });
    const subject = text(pick(random, scenario.subjects));
    const opening = text(`${pick(random, greetings)}\n\n${scenario.opening}\n\n${pick(random, signOffs)}`);
    const channel = pick(random, scenario.channels ?? defaultChannels);
    const drafts = planStory(random, arc, scenario, text, agents);
    const [openedAt = now, ...times] = planTimeline(random, arc, now, drafts.length + 1);
    // "since" in the opening message: shortly before the customer wrote.
    const since = utcTime(openedAt - wholeBetween(random, 10, 50) * MINUTE);
    return {
      organization: organizationIndex,
      requester: requesterIndex,
      subject,
      body: fill(opening, { since }),
      channel,
      ...(scenario.reportedAs ? { reportedAs: scenario.reportedAs } : {}),
      openedAt,
      steps: drafts.map((draft, index) => {
        const at = times[index] ?? openedAt;
        return draft.kind === "customer_replies" ||
          draft.kind === "internal_note" ||
          draft.kind === "agent_replies"
          ? { ...draft, body: fill(draft.body, { since }), at }
          : { ...draft, at };
      }),
    };
  });
  // Ticket numbers follow the order tickets are created in: oldest first, as on a real desk.
  tickets.sort((a, b) => a.openedAt - b.openedAt);
  return { organizations, agents: agentProfiles, tickets };
}

// ---------------------------------------------------------------------------------------------
// Playing the plan through the use cases.

/** Every use case logs each ticket it creates; for the demo one summary line says more than 2,000. */
function quieter(logger: Logger): Logger {
  return {
    debug: () => {},
    info: () => {},
    warn: (details, message) => logger.warn(details, message),
    error: (details, message) => logger.error(details, message),
    child: (bindings) => quieter(logger.child(bindings)),
  };
}

function atTime(ctx: Context, time: number, actor: Actor, channel: Channel): Context {
  return { ...ctx, actor, channel, clock: { now: () => new Date(time) } };
}

function personActor(person: {
  id: string;
  role: PersonActor["role"];
  organizationId: string | null;
}): PersonActor {
  return { kind: "person", personId: person.id, role: person.role, organizationId: person.organizationId };
}

async function allOrganizationsByName(ctx: Context): Promise<Map<string, OrganizationView>> {
  const byName = new Map<string, OrganizationView>();
  let cursor: string | undefined;
  do {
    const page = await listOrganizations({ ctx, limit: 500, ...(cursor ? { cursor } : {}) });
    for (const organization of page.items) byName.set(organization.name, organization);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return byName;
}

async function ensureOrganization(
  ctx: Context,
  plan: OrganizationPlan,
  existing: Map<string, OrganizationView>,
) {
  const found = existing.get(plan.name);
  if (found) return found;
  const input = {
    name: plan.name,
    domains: [plan.domain],
    plan: plan.plan,
    stage: plan.stage,
    notes: plan.notes,
  };
  try {
    return await createOrganization({ ctx, input });
  } catch (error) {
    // Someone else owns the demo domain: the organization goes without it; customers join by id.
    if (!(error instanceof ConflictError)) throw error;
    return createOrganization({ ctx, input: { ...input, domains: [] } });
  }
}

/**
 * Reuses the person with this email when they have the wanted kind of role (a second demo run);
 * if the address belongs to someone else entirely, tries name2@, name3@… instead.
 */
async function ensurePerson(
  ctx: Context,
  input: {
    name: string;
    email: string;
    role: "customer" | "agent";
    organizationId?: string;
    timeZone: string;
  },
): Promise<{ id: string; role: PersonActor["role"]; organizationId: string | null }> {
  const [local, domain] = input.email.split("@");
  for (let attempt = 1; ; attempt += 1) {
    const email = attempt === 1 ? input.email : `${local}${attempt}@${domain}`;
    const existing = await findPersonByEmail(ctx.db, email);
    if (!existing) {
      const created: PersonView = await createPerson({ ctx, input: { ...input, email } });
      return { id: created.id, role: created.role, organizationId: created.organizationId };
    }
    const wantedStaff = input.role !== "customer";
    if ((existing.role !== "customer") === wantedStaff) {
      return {
        id: existing.id,
        role: existing.role as PersonActor["role"],
        organizationId: existing.organization_id,
      };
    }
  }
}

async function groupIdsByName(ctx: Context): Promise<Map<string, string>> {
  const groups = await listGroups(ctx);
  const ids = new Map(groups.map((group) => [group.name, group.id]));
  // The migrations seed both tiers; an admin may have renamed one since.
  for (const name of [tier1, platformExperts]) {
    if (!ids.has(name)) ids.set(name, (await createGroup({ ctx, input: { name } })).id);
  }
  return ids;
}

const customerReplyChannel: Record<CustomerChannel, Channel> = {
  email: "email",
  portal: "portal",
  api: "email",
};

async function playTicket(
  ctx: Context,
  plan: TicketPlan,
  requester: PersonActor,
  agents: PersonActor[],
  expertsGroupId: string,
): Promise<void> {
  const agentAt = (time: number, agent: number) => atTime(ctx, time, agents[agent] as PersonActor, "web");
  let ticket: TicketView = await createTicket({
    ctx: atTime(ctx, plan.openedAt, requester, plan.channel),
    input: { subject: plan.subject, body: plan.body, ...(plan.reportedAs ?? {}) },
  });
  for (const step of plan.steps) {
    switch (step.kind) {
      case "customer_replies":
        ({ ticket } = await addComment({
          ctx: atTime(ctx, step.at, requester, customerReplyChannel[plan.channel]),
          number: ticket.number,
          input: { body: step.body },
        }));
        break;
      case "triage":
        ticket = await updateTicket({
          ctx: agentAt(step.at, step.agent),
          number: ticket.number,
          input: {
            version: ticket.version,
            assigneeId: (agents[step.agent] as PersonActor).personId,
            tags: step.tags,
            severity: step.severity,
            category: step.category,
          },
        });
        break;
      case "escalate":
        ticket = await updateTicket({
          ctx: agentAt(step.at, step.agent),
          number: ticket.number,
          input: {
            version: ticket.version,
            groupId: expertsGroupId,
            assigneeId: (agents[step.expert] as PersonActor).personId,
          },
        });
        break;
      case "internal_note":
        ({ ticket } = await addComment({
          ctx: agentAt(step.at, step.agent),
          number: ticket.number,
          input: { body: step.body, visibility: "internal" },
        }));
        break;
      case "agent_replies":
        ({ ticket } = await addComment({
          ctx: agentAt(step.at, step.agent),
          number: ticket.number,
          input: { body: step.body, status: step.status, ...step.qualifying },
        }));
        break;
    }
  }
}

/**
 * Builds the demo desk in one transaction: a failure leaves the desk as it was, so
 * `serve --demo-if-empty` never starts on half a demo. Ends by running the timed lifecycle rules
 * at the real now, as the scheduler would (on every ticket of the desk, not only the demo's).
 */
function busiestCustomerEmail(plan: ReturnType<typeof planDemoDesk>): string | null {
  const requests = new Map<string, number>();
  for (const ticket of plan.tickets) {
    const email = plan.organizations[ticket.organization]?.customers[ticket.requester]?.email;
    if (email) requests.set(email, (requests.get(email) ?? 0) + 1);
  }
  return [...requests].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0] ?? null;
}

export async function buildDemoDesk(ctx: Context, options: DemoDeskOptions): Promise<DemoDeskSummary> {
  const ticketCount = options.tickets ?? defaultTicketCount;
  const seed = options.seed ?? defaultSeed;
  if (!Number.isInteger(ticketCount) || ticketCount < 0) {
    throw ValidationError.field("tickets", "must be a whole number, 0 or more");
  }
  if (!Number.isInteger(seed)) throw ValidationError.field("seed", "must be a whole number");

  const now = ctx.clock.now().getTime();
  const plan = planDemoDesk(seed, ticketCount, now);
  // The cast is in place before the first ticket of the 30-day window.
  const castAt = now - demoWindow;

  await inTransaction({ ...ctx, logger: quieter(ctx.logger) }, async (tx) => {
    const setup = atTime(tx, castAt, tx.actor, tx.channel);
    const groups = await groupIdsByName(setup);
    const existingOrganizations = await allOrganizationsByName(setup);

    const requesters: PersonActor[][] = [];
    for (const organizationPlan of plan.organizations) {
      const organization = await ensureOrganization(setup, organizationPlan, existingOrganizations);
      const customers: PersonActor[] = [];
      for (const customer of organizationPlan.customers) {
        const person = await ensurePerson(setup, {
          ...customer,
          role: "customer",
          organizationId: organization.id,
          timeZone: organizationPlan.timeZone,
        });
        customers.push(personActor(person));
      }
      requesters.push(customers);
    }

    const agents: PersonActor[] = [];
    for (const agent of plan.agents) {
      const person = await ensurePerson(setup, {
        name: agent.name,
        email: `${agent.email}@${agentDomain}`,
        role: "agent",
        timeZone: agent.timeZone,
      });
      for (const group of agent.groups) {
        await addGroupMember({ ctx: setup, groupId: groups.get(group) as string, personId: person.id });
      }
      agents.push(personActor(person));
    }

    const expertsGroupId = groups.get(platformExperts) as string;
    for (const ticket of plan.tickets) {
      const requester = requesters[ticket.organization]?.[ticket.requester] as PersonActor;
      await playTicket(tx, ticket, requester, agents, expertsGroupId);
    }

    const rules = {
      ...tx,
      actor: { kind: "system", reason: "lifecycle rules" } as const,
      channel: "system" as const,
    };
    await autoSolvePendingTickets(rules);
    await autoCloseSolvedTickets(rules);
  });

  const summary: DemoDeskSummary = {
    organizations: plan.organizations.length,
    customers: plan.organizations.reduce((sum, organization) => sum + organization.customers.length, 0),
    agents: plan.agents.length,
    tickets: plan.tickets.length,
    busiestCustomerEmail: busiestCustomerEmail(plan),
  };
  ctx.logger.info({ ...summary, seed }, "demo desk built");
  return summary;
}
