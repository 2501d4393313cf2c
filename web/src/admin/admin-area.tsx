import { lazy, Suspense } from "react";
import { Link } from "react-router";
import { useMe } from "../session.js";

// Its own chunk: agents never load it, and the workspace's first load does not carry it.
const AdminPages = lazy(() => import("./admin-pages.js"));

/** `/admin/*`: the desk's set-up for admins; anyone else is told so (the API refuses them anyway). */
export function AdminArea() {
  const me = useMe();
  if (me.role !== "admin") {
    return (
      <section className="empty">
        <h1>Admins only</h1>
        <p>
          These pages set up the desk: the team, organizations, SLA policies and API tokens. Ask an admin if
          something there needs changing.
        </p>
        <p>
          <Link to="/">Back to your tickets</Link>
        </p>
      </section>
    );
  }
  return (
    <Suspense fallback={<p className="muted">Loading the admin pages…</p>}>
      <AdminPages />
    </Suspense>
  );
}
