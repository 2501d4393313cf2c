import { NavLink, Outlet, Route, Routes } from "react-router";
import { Redirect } from "../redirect.js";
import { useSession } from "../session.js";
import { PortalSignIn } from "./portal-sign-in.js";
import { RequestForm } from "./request-form.js";
import { RequestList } from "./request-list.js";
import { RequestPage } from "./request-page.js";
import "./portal.css";

/** The customer portal at /portal: loaded lazily by main.tsx, so the workspace never carries it. */
export default function PortalApp() {
  const { person } = useSession();
  if (person === undefined) return <p className="muted loading">Loading…</p>;
  // Signed out, any portal address shows the sign-in page and, once signed in, the page asked for.
  if (person === null) return <PortalSignIn />;
  if (person.role !== "customer") return <StaffHere />;
  return (
    <Routes>
      <Route element={<PortalLayout />}>
        <Route index element={<RequestList />} />
        <Route path="new" element={<RequestForm />} />
        <Route path="requests/:number" element={<RequestPage />} />
        <Route path="sign-in" element={<Redirect to="/portal" />} />
        <Route path="*" element={<PortalNotFound />} />
      </Route>
    </Routes>
  );
}

function PortalLayout() {
  const session = useSession();
  return (
    <div className="portal">
      <a className="skip" href="#portal-main">
        Skip to content
      </a>
      <header className="portal-header">
        <span className="portal-brand">Support</span>
        <nav aria-label="Portal">
          <NavLink to="/portal" end>
            Requests
          </NavLink>
          <NavLink to="/portal/new">New request</NavLink>
        </nav>
        <span className="portal-who">
          <span className="muted">{session.person?.name}</span>
          <button type="button" className="link" onClick={() => void session.signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <main id="portal-main" className="portal-main">
        <Outlet />
      </main>
    </div>
  );
}

function PortalNotFound() {
  return (
    <section>
      <h1>Nothing here</h1>
      <p>
        This address is not a page of the portal, or not one you can see. Go to{" "}
        <a href="/portal">your requests</a>.
      </p>
    </section>
  );
}

function StaffHere() {
  return (
    <main className="portal-main">
      <h1>The portal is for customers</h1>
      <p>
        You are signed in as a member of the support team. Work tickets in <a href="/">the workspace</a>.
      </p>
    </main>
  );
}
