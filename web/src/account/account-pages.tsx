import { useState } from "react";
import { AdminForm, FormProblems, LoadState, useLoaded, useSubmission } from "../admin/form-controls.js";
import { api } from "../api.js";
import { useMe, useSession } from "../session.js";
import { OneTimeCodeField, RecoveryCodes, TwoFactorSetup } from "./two-factor-setup.js";
import "../admin/admin.css";
import "./account.css";

interface TwoFactorStatus {
  enabled: boolean;
  pendingEnrollment: boolean;
  required: boolean;
  recoveryCodesLeft: number;
}

/** A form that sends a current code from the app: replacing recovery codes, turning it off. */
function CodeForm({
  title,
  submitLabel,
  hint,
  send,
}: {
  title: string;
  submitLabel: string;
  hint: string;
  send(code: string): Promise<void>;
}) {
  const submission = useSubmission(["code"]);
  const [code, setCode] = useState("");
  return (
    <AdminForm
      submission={submission}
      title={title}
      heading="h3"
      submitLabel={submitLabel}
      onSubmit={submission.submit(async () => {
        await send(code.trim());
        setCode("");
      })}
    >
      <OneTimeCodeField
        label="Current code from your authenticator app"
        hint={hint}
        value={code}
        onChange={setCode}
      />
    </AdminForm>
  );
}

/** Whether Tend mails this agent of assignments and requesters' replies; saved as it is ticked. */
function NotificationSettings() {
  const settings = useLoaded(() => api<{ emailNotices: boolean }>("GET", "/me/notifications"));
  const submission = useSubmission([]);
  // What the box shows: the choice just made, before the answer; a refusal puts the saved one back.
  const [chosen, setChosen] = useState<boolean | null>(null);
  const [saved, setSaved] = useState("");
  if (!settings.value) return <LoadState error={settings.error} what="Your notifications" />;
  const saveChoice = (email: boolean) => {
    setChosen(email);
    submission.run(async () => {
      try {
        await api("PUT", "/me/notifications", { emailNotices: email });
        setSaved(email ? "You will get these mails." : "You will not get these mails.");
      } catch (error) {
        setChosen(null);
        throw error;
      }
    });
  };
  return (
    <div>
      <label className="check">
        <input
          type="checkbox"
          checked={chosen ?? settings.value.emailNotices}
          disabled={submission.busy}
          onChange={(event) => saveChoice(event.target.checked)}
        />{" "}
        Email me when a ticket is assigned to me, and when the requester of one of my tickets replies
      </label>
      <p role="status">{saved}</p>
      <FormProblems problems={submission.problems} />
    </div>
  );
}

/** `/account`: the signed-in agent's notifications and two-factor sign-in. */
export default function AccountPage() {
  const me = useMe();
  const status = useLoaded(() => api<TwoFactorStatus>("GET", "/auth/two-factor"));
  const [newCodes, setNewCodes] = useState<string[] | null>(null);
  const shown = status.value;
  return (
    <section className="account-security">
      <h1>Your account</h1>
      <p className="muted">
        Signed in as {me.name} ({me.email}).
      </p>
      <h2>Email notifications</h2>
      <NotificationSettings />
      <h2>Two-factor sign-in</h2>
      {newCodes ? (
        <RecoveryCodes
          codes={newCodes}
          onDone={() => {
            setNewCodes(null);
            status.reload();
          }}
        />
      ) : !shown ? (
        <LoadState error={status.error} what="Your two-factor sign-in" />
      ) : shown.enabled ? (
        <>
          <p className="two-factor-state">
            <strong>On.</strong> Signing in with your password also asks for a code from your authenticator
            app. {shown.recoveryCodesLeft} of your recovery codes are left.
          </p>
          {shown.recoveryCodesLeft <= 3 && (
            <p className="few-codes-left" role="status">
              Few recovery codes are left: replace them before you run out.
            </p>
          )}
          <CodeForm
            title="Replace your recovery codes"
            submitLabel="Make new recovery codes"
            hint="The codes you have now stop working."
            send={async (code) => {
              const { recoveryCodes } = await api<{ recoveryCodes: string[] }>(
                "POST",
                "/auth/two-factor/recovery-codes",
                { code },
              );
              setNewCodes(recoveryCodes);
            }}
          />
          {shown.required ? (
            <p className="muted">An admin requires two-factor sign-in for your role, so it stays on.</p>
          ) : (
            <CodeForm
              title="Turn two-factor sign-in off"
              submitLabel="Turn it off"
              hint="Your password alone will sign you in again."
              send={async (code) => {
                await api<void>("POST", "/auth/two-factor/disable", { code });
                status.reload();
              }}
            />
          )}
        </>
      ) : (
        <>
          <p className="two-factor-state">
            <strong>Off.</strong> A code from your phone on top of your password keeps your account safe when
            the password leaks.
            {shown.required && " An admin requires it for your role."}
          </p>
          <TwoFactorSetup onEnabled={setNewCodes} />
        </>
      )}
    </section>
  );
}

/**
 * Shown instead of the workspace while an admin requires a second factor this person has not set up:
 * the API refuses everything else until they do, so the form is all there is to show.
 */
export function TwoFactorEnrollmentGate() {
  const session = useSession();
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <main className="enrollment-gate">
      <h1>Set up two-factor sign-in to continue</h1>
      {codes ? (
        <RecoveryCodes codes={codes} onDone={() => session.twoFactorEnrolled()} />
      ) : (
        <>
          <p>
            An admin requires a code from an authenticator app, on top of your password, for your role. Set it
            up now; Tend opens as soon as it is on.
          </p>
          <TwoFactorSetup onEnabled={setCodes} />
        </>
      )}
      <p>
        <button type="button" className="link" onClick={() => void session.signOut()}>
          Sign out
        </button>
      </p>
    </main>
  );
}
