import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Navigate, Route, Routes, useParams } from "react-router";
import { SessionProvider, useSession } from "./session.js";
import { SignInPage } from "./sign-in-page.js";
import { TicketListPage } from "./ticket-list-page.js";
import { TicketPage } from "./ticket-page.js";
import { useViews } from "./views.js";
import { WorkspaceLayout } from "./workspace-layout.js";
import "./workspace.css";

/** `/` opens the first view (My open tickets, when the desk defines it first). */
function FirstView() {
  const { views } = useViews();
  const first = views?.[0];
  if (!first) return <p className="muted">Loading views…</p>;
  return <Navigate to={`/views/${first.id}`} replace />;
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
  const { person } = useSession();
  if (person === undefined) return <p className="muted loading">Loading Tend…</p>;
  // Password sign-in is for agents and admins (POST /auth/login), so whoever is here is staff.
  if (person === null) return <SignInPage />;
  return (
    <Routes>
      <Route element={<WorkspaceLayout />}>
        <Route index element={<FirstView />} />
        <Route path="views/:viewId" element={<TicketListPage />} />
        <Route path="tickets/:number" element={<TicketPage />} />
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
        <App />
      </SessionProvider>
    </BrowserRouter>
  </StrictMode>,
);
