import { Route, Routes } from "react-router";
import { Redirect } from "../redirect.js";
import { DebriefPage } from "./debrief-page.js";
import { DebriefsPage } from "./debriefs-page.js";
import { EscalationPoliciesPage } from "./escalation-policies-page.js";
import { OnCallOverviewPage } from "./overview-page.js";
import { PageDetailPage } from "./page-detail-page.js";
import { PagesPage } from "./pages-page.js";
import { EditSchedulePage, NewSchedulePage } from "./schedule-form.js";
import { SchedulePage } from "./schedule-page.js";
import "../admin/admin.css";
import "./oncall.css";

/** The on-call pages, loaded on first visit to `/oncall` (main.tsx): all staff read, admins set up. */
export default function OnCallPages() {
  return (
    <div className="admin-page oncall">
      <Routes>
        <Route index element={<OnCallOverviewPage />} />
        <Route path="pages" element={<PagesPage />} />
        <Route path="pages/:id" element={<PageDetailPage />} />
        <Route path="policies" element={<EscalationPoliciesPage />} />
        <Route path="debriefs" element={<DebriefsPage />} />
        <Route path="debriefs/:id" element={<DebriefPage />} />
        <Route path="schedules/new" element={<NewSchedulePage />} />
        <Route path="schedules/:id" element={<SchedulePage />} />
        <Route path="schedules/:id/edit" element={<EditSchedulePage />} />
        <Route path="*" element={<Redirect to="/oncall" />} />
      </Routes>
    </div>
  );
}
