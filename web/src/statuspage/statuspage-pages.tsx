import { NavLink, Route, Routes } from "react-router";
import { Redirect } from "../redirect.js";
import { StatusComponentPage } from "./component-page.js";
import { IncidentPage } from "./incident-page.js";
import { IncidentsPage } from "./incidents-page.js";
import { MaintenanceListPage, MaintenanceWindowPage } from "./maintenance-page.js";
import { StatusOverviewPage } from "./overview-page.js";
import { RetrospectivePage } from "./retrospective-page.js";
import { SubscribersPage } from "./subscribers-page.js";
import "../admin/admin.css";
import "./statuspage.css";

/**
 * The status page's workspace side, loaded on first visit to `/statuspage` (main.tsx): all staff read
 * the components, their monitors and availability; admins set them up. The public page is `/status`.
 */
export default function StatusPages() {
  return (
    <div className="admin-page statuspage">
      <nav aria-label="Status page sections" className="statuspage-nav">
        <NavLink to="/statuspage" end>
          Components
        </NavLink>
        <NavLink to="/statuspage/incidents">Incidents</NavLink>
        <NavLink to="/statuspage/maintenance">Maintenance</NavLink>
        <NavLink to="/statuspage/subscribers">Subscribers</NavLink>
      </nav>
      <Routes>
        <Route index element={<StatusOverviewPage />} />
        <Route path="components/:id" element={<StatusComponentPage />} />
        <Route path="incidents" element={<IncidentsPage />} />
        <Route path="incidents/:id" element={<IncidentPage />} />
        <Route path="incidents/:id/retrospective" element={<RetrospectivePage />} />
        <Route path="maintenance" element={<MaintenanceListPage />} />
        <Route path="maintenance/:id" element={<MaintenanceWindowPage />} />
        <Route path="subscribers" element={<SubscribersPage />} />
        <Route path="*" element={<Redirect to="/statuspage" />} />
      </Routes>
    </div>
  );
}
