import { useState } from "react";
import type { TwoFactorRequirement } from "../../../src/modules/identity/two-factor.js";
import { api } from "../api.js";
import { AdminForm, LoadState, SelectField, useLoaded, useSubmission } from "./form-controls.js";

interface SecuritySettings {
  requireTwoFactorFor: TwoFactorRequirement;
  updatedAt: string;
}

const requirementNames: Record<TwoFactorRequirement, string> = {
  none: "Nobody: each person chooses",
  admins: "Admins",
  staff: "Every agent and admin",
};

function RequirementForm({ settings, onSaved }: { settings: SecuritySettings; onSaved(): void }) {
  const submission = useSubmission(["requireTwoFactorFor"]);
  const [requirement, setRequirement] = useState(settings.requireTwoFactorFor);
  const [saved, setSaved] = useState("");
  return (
    <AdminForm
      submission={submission}
      title="Two-factor sign-in"
      heading="h2"
      submitLabel="Save"
      onSubmit={submission.submit(async () => {
        await api("PUT", "/security/settings", { requireTwoFactorFor: requirement });
        setSaved(`Saved: ${requirementNames[requirement].toLowerCase()}.`);
        onSaved();
      })}
    >
      <SelectField
        label="Who must sign in with a code from an authenticator app"
        name="requireTwoFactorFor"
        hint="From their next request, a person it covers who has not set it up can only set it up (or sign out), and nobody it covers can turn it off. Single sign-on follows your identity provider's own policy."
        value={requirement}
        onChange={(value) => {
          setRequirement(value);
          setSaved("");
        }}
        names={requirementNames}
      />
      <p role="status">{saved}</p>
    </AdminForm>
  );
}

/** `/admin/security`: whose sign-in needs a second factor. */
export function SecurityPage() {
  const settings = useLoaded(() => api<SecuritySettings>("GET", "/security/settings"));
  return (
    <section>
      <h1>Security</h1>
      {settings.value ? (
        <RequirementForm settings={settings.value} onSaved={settings.reload} />
      ) : (
        <LoadState error={settings.error} what="The security settings" />
      )}
      <p className="muted">
        Someone who lost their phone and their recovery codes: reset their second factor with{" "}
        <code>DELETE /api/v1/people/&#123;id&#125;/two-factor</code> or <code>tend person reset-2fa</code>; it
        ends their sessions.
      </p>
    </section>
  );
}
