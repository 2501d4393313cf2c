import { lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Route, Routes, useParams } from "react-router";
import { AdminArea } from "./admin/admin-area.js";
import { Redirect } from "./redirect.js";
import { SessionProvider, useSession } from "./session.js";
import { SignInPage } from "./sign-in-page.js";
import { TicketListPage } from "./ticket-list-page.js";
import { TicketPage } from "./ticket-page.js";
import { useViews } from "./views.js";
import { WorkspaceLayout } from "./workspace-layout.js";
import "./workspace.css";

// The customer portal is its own route tree, loaded only when someone opens /portal: the
// workspace's initial JavaScript does not carry it.
const PortalApp = lazy(() => import("./portal/portal-app.js"));
// On call is for every staff member but visited now and then: its own chunk, like the admin pages.
const OnCallPages = lazy(() => import("./oncall/oncall-pages.js"));
// The status page's admin side (the public page is /status, served apart): its own chunk too.
const StatusPages = lazy(() => import("./statuspage/statuspage-pages.js"));
const KnowledgePages = lazy(() => import("./knowledge/knowledge-pages.js"));
// Case reviews are visited now and then: their own chunk.
const ReviewsPage = lazy(() => import("./satisfaction/reviews-page.js"));
// Reports (charts included) are their own chunk: recharts is loaded only by those who open them.
const ReportPages = lazy(() => import("./reports/report-pages.js"));
// Your account (notifications, two-factor sign-in), and the enrolment an admin may require before anything else: rare, and
// the QR code's encoder with it, so its own chunk.
const AccountPage = lazy(() => import("./account/account-pages.js"));
const TwoFactorEnrollmentGate = lazy(() =>
  import("./account/account-pages.js").then((pages) => ({ default: pages.TwoFactorEnrollmentGate })),
);
// Chat set-up is admins' and rare: its own chunk.
const ChatPages = lazy(() => import("./chat/chat-pages.js"));

/** `/` opens the first view (My open tickets, when the desk defines it first). */
function FirstView() {
  const { views } = useViews();
  const first = views?.[0];
  if (!first) return <p className="muted">Loading views…</p>;
  return <Redirect to={`/views/${first.id}`} />;
}

function NotFound() {
  const { "*": path } = useParams();
  return (
    <section className="empty">
      <h1>Nothing at /{path}</h1>
      <p>
        Pick a view on the left, or <a href="/">go to your first view</a>.
      </p>
    </section>
  );
}

function App() {
  const { person, twoFactorEnrollmentRequired } = useSession();
  if (person === undefined) return <p className="muted loading">Loading Tend…</p>;
  if (person === null) return <SignInPage />;
  // Customers who set a password may sign in here too; their place is the portal.
  if (person.role === "customer") return <Redirect to="/portal" />;
  if (twoFactorEnrollmentRequired) {
    return (
      <Suspense fallback={<p className="muted loading">Loading…</p>}>
        <TwoFactorEnrollmentGate />
      </Suspense>
    );
  }
  return (
    <Routes>
      <Route element={<WorkspaceLayout />}>
        <Route index element={<FirstView />} />
        <Route path="views/:viewId" element={<TicketListPage />} />
        <Route path="tickets/:number" element={<TicketPage />} />
        <Route path="admin/*" element={<AdminArea />} />
        <Route
          path="chat"
          element={
            <Suspense fallback={<p className="muted">Loading chat…</p>}>
              <ChatPages />
            </Suspense>
          }
        />
        <Route
          path="oncall/*"
          element={
            <Suspense fallback={<p className="muted">Loading on call…</p>}>
              <OnCallPages />
            </Suspense>
          }
        />
        <Route
          path="statuspage/*"
          element={
            <Suspense fallback={<p className="muted">Loading the status page…</p>}>
              <StatusPages />
            </Suspense>
          }
        />
        <Route
          path="knowledge/*"
          element={
            <Suspense fallback={<p className="muted">Loading the knowledge base…</p>}>
              <KnowledgePages />
            </Suspense>
          }
        />
        <Route
          path="reviews"
          element={
            <Suspense fallback={<p className="muted">Loading case reviews…</p>}>
              <ReviewsPage />
            </Suspense>
          }
        />
        <Route
          path="reports/*"
          element={
            <Suspense fallback={<p className="muted">Loading reports…</p>}>
              <ReportPages />
            </Suspense>
          }
        />
        <Route
          path="account"
          element={
            <Suspense fallback={<p className="muted">Loading your account…</p>}>
              <AccountPage />
            </Suspense>
          }
        />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <BrowserRouter>
      <SessionProvider>
        <Routes>
          <Route
            path="/portal/*"
            element={
              <Suspense fallback={<p className="muted loading">Loading the support portal…</p>}>
                <PortalApp />
              </Suspense>
            }
          />
          <Route path="*" element={<App />} />
        </Routes>
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
