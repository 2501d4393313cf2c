import { NavLink, Route, Routes } from "react-router";
import { GithubSettingsPage } from "../engineering/github-settings-page.js";
import { Redirect } from "../redirect.js";
import { AutomationsPage } from "./automations-page.js";
import { InboundEmailPage } from "./inbound-email-page.js";
import { OrganizationPage, OrganizationsPage } from "./organizations-page.js";
import { PeoplePage } from "./people-page.js";
import { PrivacyPage } from "./privacy-page.js";
import { SecurityPage } from "./security-page.js";
import { SlaPage } from "./sla-page.js";
import { TokensPage } from "./tokens-page.js";
import { WebhooksPage } from "./webhooks-page.js";
import "./admin.css";

const sections = [
  { path: "people", name: "Agents and groups" },
  { path: "organizations", name: "Organizations" },
  { path: "sla", name: "Calendars and SLA policies" },
  { path: "email", name: "Inbound email" },
  { path: "tokens", name: "API tokens" },
  { path: "security", name: "Security" },
  { path: "privacy", name: "Privacy" },
  { path: "webhooks", name: "Webhooks" },
  { path: "automations", name: "Automations" },
  { path: "github", name: "GitHub" },
];

/** The admin pages, loaded on first visit to `/admin` (see admin-area.tsx). */
export default function AdminPages() {
  return (
    <div className="admin">
      <nav className="admin-sections" aria-label="Administration">
        <ul>
          {sections.map((section) => (
            <li key={section.path}>
              <NavLink to={`/admin/${section.path}`}>{section.name}</NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Routes>
        <Route index element={<Redirect to="people" />} />
        <Route path="people" element={<PeoplePage />} />
        <Route path="organizations" element={<OrganizationsPage />} />
        <Route path="organizations/:id" element={<OrganizationPage />} />
        <Route path="sla" element={<SlaPage />} />
        <Route path="email" element={<InboundEmailPage />} />
        <Route path="tokens" element={<TokensPage />} />
        <Route path="security" element={<SecurityPage />} />
        <Route path="privacy" element={<PrivacyPage />} />
        <Route path="webhooks" element={<WebhooksPage />} />
        <Route path="automations" element={<AutomationsPage />} />
        <Route path="github" element={<GithubSettingsPage />} />
        <Route path="*" element={<Redirect to="people" />} />
      </Routes>
    </div>
  );
}
