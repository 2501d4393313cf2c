import { useEffect, useId, useRef, useState } from "react";
import type { GroupView } from "../../../src/modules/identity/manage-groups.js";
import { api, type PersonView } from "../api.js";
import { useMe } from "../session.js";
import { everyPage, Field, FormProblems, LoadState, useLoaded, useSubmission } from "./form-controls.js";

type StaffRole = Exclude<PersonView["role"], "customer">;
const roleNames: Record<StaffRole, string> = { agent: "Agent", admin: "Admin" };

async function loadTeam(): Promise<{ staff: PersonView[]; groups: GroupView[] }> {
  const [agents, admins, groups] = await Promise.all([
    everyPage<PersonView>("/people?role=agent"),
    everyPage<PersonView>("/people?role=admin"),
    api<GroupView[]>("GET", "/groups"),
  ]);
  return { staff: [...agents, ...admins].sort((a, b) => a.name.localeCompare(b.name)), groups };
}

const personFields = ["name", "email", "role", "timeZone", "password"] as const;

function AddPersonForm({ onAdded }: { onAdded(): void }) {
  const submission = useSubmission(personFields);
  const [form, setForm] = useState({
    name: "",
    email: "",
    role: "agent" as StaffRole,
    timeZone: "",
    password: "",
  });
  const { problems } = submission;
  return (
    <form
      ref={submission.formRef}
      className="admin-form"
      aria-labelledby="add-person-title"
      onSubmit={submission.submit(async () => {
        await api("POST", "/people", {
          name: form.name,
          email: form.email,
          role: form.role,
          ...(form.timeZone ? { timeZone: form.timeZone } : {}),
          ...(form.password ? { password: form.password } : {}),
        });
        setForm({ name: "", email: "", role: "agent", timeZone: "", password: "" });
        onAdded();
      })}
    >
      <h3 id="add-person-title">Add an agent or admin</h3>
      <Field label="Name" name="name" problems={problems}>
        {(control) => (
          <input
            {...control}
            required
            maxLength={200}
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
        )}
      </Field>
      <Field label="Email" name="email" problems={problems}>
        {(control) => (
          <input
            {...control}
            type="email"
            required
            maxLength={254}
            value={form.email}
            onChange={(e) => setForm({ ...form, email: e.target.value })}
          />
        )}
      </Field>
      <Field label="Role" name="role" problems={problems} hint="Admins also set up the desk: these pages.">
        {(control) => (
          <select
            {...control}
            value={form.role}
            onChange={(e) => setForm({ ...form, role: e.target.value as StaffRole })}
          >
            {Object.entries(roleNames).map(([value, name]) => (
              <option key={value} value={value}>
                {name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field
        label="Time zone"
        name="timeZone"
        problems={problems}
        hint="IANA zone, e.g. Europe/Berlin; default UTC."
      >
        {(control) => (
          <input
            {...control}
            maxLength={64}
            value={form.timeZone}
            onChange={(e) => setForm({ ...form, timeZone: e.target.value })}
          />
        )}
      </Field>
      <Field
        label="First password"
        name="password"
        problems={problems}
        hint="Leave empty when they sign in with single sign-on. Otherwise give it to them safely; they change it themselves."
      >
        {(control) => (
          <input
            {...control}
            type="password"
            autoComplete="new-password"
            maxLength={1024}
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
          />
        )}
      </Field>
      <FormProblems problems={problems} />
      <button type="submit" className="primary" disabled={submission.busy}>
        Add to the team
      </button>
    </form>
  );
}

/** A role is changed with a button, not on select: arrowing through the options must not sign someone out. */
function RoleSelect({ person, onChanged }: { person: PersonView; onChanged(): void }) {
  const me = useMe();
  const submission = useSubmission(["role"]);
  const [role, setRole] = useState(person.role as StaffRole);
  const messages = [...(submission.problems?.byField.role ?? []), ...(submission.problems?.general ?? [])];
  const errorId = `role-error-${person.id}`;
  if (person.id === me.id) return <span>{roleNames[role]} (you)</span>;
  return (
    <form
      ref={submission.formRef}
      className="inline"
      onSubmit={submission.submit(async () => {
        await api("PATCH", `/people/${person.id}`, { role });
        onChanged();
      })}
    >
      <select
        aria-label={`Role of ${person.name}`}
        value={role}
        aria-invalid={messages.length > 0 ? true : undefined}
        aria-describedby={messages.length > 0 ? errorId : undefined}
        onChange={(event) => setRole(event.target.value as StaffRole)}
      >
        {Object.entries(roleNames).map(([value, name]) => (
          <option key={value} value={value}>
            {name}
          </option>
        ))}
      </select>
      {role !== person.role && (
        <button type="submit" disabled={submission.busy}>
          Change role<span className="visually-hidden"> of {person.name}</span>
        </button>
      )}
      {messages.length > 0 && (
        <p id={errorId} className="field-error">
          {messages.join("; ")}
        </p>
      )}
    </form>
  );
}

/** A change to someone's access behind a confirmation saying what follows; a refusal is shown beside it. */
function ConfirmedPersonAction({
  person,
  action,
  consequence,
  run,
}: {
  person: PersonView;
  action: string;
  consequence: string;
  run(): Promise<void>;
}) {
  const submission = useSubmission([]);
  const [confirming, setConfirming] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const consequenceId = useId();
  useEffect(() => {
    if (confirming) confirmRef.current?.focus();
  }, [confirming]);
  const change = () =>
    submission.run(async () => {
      await run();
      setConfirming(false);
    });
  return (
    <>
      {confirming ? (
        <div className="row-actions">
          <p id={consequenceId} className="hint">
            {action} {person.name}? {consequence}
          </p>
          <button
            ref={confirmRef}
            type="button"
            className="primary"
            aria-describedby={consequenceId}
            disabled={submission.busy}
            onClick={change}
          >
            Yes, {action.toLowerCase()}
            <span className="visually-hidden"> {person.name}</span>
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </div>
      ) : (
        <button type="button" onClick={() => setConfirming(true)}>
          {action}
          <span className="visually-hidden"> {person.name}</span>
        </button>
      )}
      <FormProblems problems={submission.problems} />
    </>
  );
}

/**
 * Deactivate or reactivate, and reset a second factor (someone who lost their phone and their
 * recovery codes); a refusal (the last admin, an agent's rights) is shown beside the buttons.
 */
function AccessControls({ person, onChanged }: { person: PersonView; onChanged(): void }) {
  const me = useMe();
  if (person.id === me.id) return <span className="muted">You</span>;
  const deactivated = Boolean(person.deactivatedAt);
  return (
    <div className="deactivation">
      {person.deactivatedAt && <p>Deactivated on {new Date(person.deactivatedAt).toLocaleDateString()}</p>}
      <ConfirmedPersonAction
        person={person}
        action={deactivated ? "Reactivate" : "Deactivate"}
        consequence={
          deactivated
            ? "They can sign in again; API tokens revoked when they were deactivated stay revoked."
            : "They are signed out everywhere, their API tokens are revoked and they cannot sign in. Their name stays on their tickets."
        }
        run={async () => {
          await api(deactivated ? "DELETE" : "POST", `/people/${person.id}/deactivation`);
          onChanged();
        }}
      />
      {!deactivated && (
        <ConfirmedPersonAction
          person={person}
          action="Reset two-factor"
          consequence="Their authenticator app and recovery codes stop working and they are signed out everywhere; their password alone signs them in, and where two-factor sign-in is required they set it up again first."
          run={async () => {
            await api("DELETE", `/people/${person.id}/two-factor`);
            onChanged();
          }}
        />
      )}
    </div>
  );
}

function AddGroupForm({ onAdded }: { onAdded(): void }) {
  const submission = useSubmission(["name", "description"]);
  const [form, setForm] = useState({ name: "", description: "" });
  return (
    <form
      ref={submission.formRef}
      className="admin-form"
      aria-labelledby="add-group-title"
      onSubmit={submission.submit(async () => {
        await api("POST", "/groups", form);
        setForm({ name: "", description: "" });
        onAdded();
      })}
    >
      <h3 id="add-group-title">Add a group</h3>
      <Field label="Group name" name="name" problems={submission.problems}>
        {(control) => (
          <input
            {...control}
            required
            maxLength={100}
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
        )}
      </Field>
      <Field label="Description" name="description" problems={submission.problems}>
        {(control) => (
          <input
            {...control}
            maxLength={1000}
            value={form.description}
            onChange={(e) => setForm({ ...form, description: e.target.value })}
          />
        )}
      </Field>
      <FormProblems problems={submission.problems} />
      <button type="submit" className="primary" disabled={submission.busy}>
        Add group
      </button>
    </form>
  );
}

function GroupCard({
  group,
  staff,
  onChanged,
}: {
  group: GroupView;
  staff: PersonView[];
  onChanged(): void;
}) {
  const submission = useSubmission(["personId"]);
  const [candidate, setCandidate] = useState("");
  const members = staff.filter((person) => group.memberIds.includes(person.id));
  const others = staff.filter(
    (person) => !group.memberIds.includes(person.id) && person.deactivatedAt === null,
  );
  const change = (method: "PUT" | "DELETE", personId: string) => async () => {
    await api(method, `/groups/${group.id}/members/${personId}`);
    setCandidate("");
    onChanged();
  };
  return (
    <section className="group-card" aria-labelledby={`group-${group.id}`}>
      <h3 id={`group-${group.id}`}>{group.name}</h3>
      {group.description && <p className="muted">{group.description}</p>}
      {members.length === 0 ? (
        <p className="muted">
          No members yet: add an agent below so the group's tickets have someone to go to.
        </p>
      ) : (
        <ul className="plain members">
          {members.map((person) => (
            <li key={person.id}>
              {person.name}
              {person.deactivatedAt && <span className="muted"> (deactivated)</span>}{" "}
              <button
                type="button"
                className="link"
                onClick={() => submission.run(change("DELETE", person.id))}
              >
                Remove
                <span className="visually-hidden">
                  {" "}
                  {person.name} from {group.name}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {others.length > 0 && (
        <form
          ref={submission.formRef}
          className="inline"
          onSubmit={submission.submit(change("PUT", candidate))}
        >
          <Field label={`Add to ${group.name}`} name="personId" problems={submission.problems}>
            {(control) => (
              <select {...control} required value={candidate} onChange={(e) => setCandidate(e.target.value)}>
                <option value="">Choose someone…</option>
                {others.map((person) => (
                  <option key={person.id} value={person.id}>
                    {person.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" disabled={submission.busy}>
            Add member
          </button>
        </form>
      )}
      <FormProblems problems={submission.problems} />
    </section>
  );
}

/** Agents, admins and the groups they work in. */
export function PeoplePage() {
  const team = useLoaded(loadTeam);
  return (
    <div className="admin-page">
      <h1>Agents and groups</h1>
      <section aria-labelledby="team-title">
        <h2 id="team-title">Support team</h2>
        {team.value ? (
          <table className="admin-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Role</th>
                <th scope="col">Groups</th>
                <th scope="col">Access</th>
              </tr>
            </thead>
            <tbody>
              {team.value.staff.map((person) => (
                <tr key={person.id} className={person.deactivatedAt ? "deactivated" : undefined}>
                  <td>{person.name}</td>
                  <td>{person.email}</td>
                  <td>
                    <RoleSelect person={person} onChanged={team.reload} />
                  </td>
                  <td>
                    {team.value?.groups
                      .filter((group) => group.memberIds.includes(person.id))
                      .map((group) => group.name)
                      .join(", ") || <span className="muted">None</span>}
                  </td>
                  <td>
                    <AccessControls person={person} onChanged={team.reload} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <LoadState error={team.error} what="The team" />
        )}
        <p className="muted">
          Changing someone's role signs them out everywhere. Deactivating someone who leaves the team ends
          their sessions and revokes their API tokens; they are no longer offered for tickets.
        </p>
        <AddPersonForm onAdded={team.reload} />
      </section>
      <section aria-labelledby="groups-title">
        <h2 id="groups-title">Groups</h2>
        {team.value && team.value.groups.length === 0 && (
          <p className="muted">No groups yet. Add one below, then add agents to it.</p>
        )}
        <div className="group-cards">
          {team.value?.groups.map((group) => (
            <GroupCard key={group.id} group={group} staff={team.value?.staff ?? []} onChanged={team.reload} />
          ))}
        </div>
        <AddGroupForm onAdded={team.reload} />
      </section>
    </div>
  );
}
