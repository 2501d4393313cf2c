import { useEffect, useRef, useState } from "react";
import type { ApiTokenView } from "../../../src/modules/identity/manage-api-tokens.js";
import type { TokenScope } from "../../../src/modules/identity/token-scopes.js";
import { api, type PersonView } from "../api.js";
import {
  AdminForm,
  AdminTable,
  CheckboxGroup,
  everyPage,
  FormProblems,
  LoadState,
  TextField,
  useDraft,
  useLoaded,
  useSubmission,
} from "./form-controls.js";

const scopeNames: Record<TokenScope, string> = {
  read: "Read: GET only",
  write: "Write: act as you (as an agent)",
  admin: "Admin: your admin-only actions",
};

const date = (iso: string | null, otherwise: string) =>
  iso ? new Date(iso).toLocaleDateString() : otherwise;

/** The secret of a token just made: shown this once, with a copy button. */
function NewSecret({ token, onDone }: { token: ApiTokenView & { token: string }; onDone(): void }) {
  const [copied, setCopied] = useState<string>("");
  const secret = useRef<HTMLInputElement>(null);
  // The form that made it is behind: take the keyboard to the one thing to do now.
  useEffect(() => secret.current?.focus(), []);
  return (
    <section className="new-secret" aria-labelledby="new-secret-title">
      <h2 id="new-secret-title">Token “{token.name}” created</h2>
      <p>Copy the secret now: Tend keeps only its hash and cannot show it again.</p>
      <label htmlFor="new-secret-value">Secret</label>
      <input
        ref={secret}
        id="new-secret-value"
        readOnly
        value={token.token}
        onFocus={(e) => e.currentTarget.select()}
      />
      <div className="actions">
        <button
          type="button"
          className="primary"
          onClick={() =>
            navigator.clipboard
              .writeText(token.token)
              .then(() => setCopied("Copied."))
              .catch(() => setCopied("Copying was refused: select the secret and copy it yourself."))
          }
        >
          Copy secret
        </button>
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
      <p role="status">{copied}</p>
    </section>
  );
}

const tokenFields = ["name", "scopes", "expiresInDays"] as const;

const newToken = { name: "", scopes: ["write"] as TokenScope[], expiresInDays: "90" };

function CreateTokenForm({ onCreated }: { onCreated(token: ApiTokenView & { token: string }): void }) {
  const submission = useSubmission(tokenFields);
  const { draft, setDraft, bind } = useDraft(newToken);
  return (
    <AdminForm
      submission={submission}
      title="Create a token"
      heading="h2"
      submitLabel="Create token"
      onSubmit={submission.submit(async () => {
        const created = await api<ApiTokenView & { token: string }>("POST", "/tokens", {
          name: draft.name,
          scopes: draft.scopes,
          ...(draft.expiresInDays ? { expiresInDays: Number(draft.expiresInDays) } : {}),
        });
        setDraft(newToken);
        onCreated(created);
      })}
    >
      <TextField
        label="Token name"
        hint="What uses it, e.g. “Status page sync”."
        required
        maxLength={100}
        {...bind("name")}
      />
      <CheckboxGroup
        legend="Scopes"
        names={scopeNames}
        {...bind("scopes")}
        hint="Give the least the integration needs."
      />
      <TextField
        label="Expires after (days)"
        hint="Leave empty for a token that works until revoked."
        type="number"
        min={1}
        max={3650}
        {...bind("expiresInDays")}
      />
    </AdminForm>
  );
}

/** Every API token (an admin sees all of them), with revoke, and a form to create one for yourself. */
export function TokensPage() {
  const loaded = useLoaded(async () => {
    const [tokens, agents, admins] = await Promise.all([
      api<ApiTokenView[]>("GET", "/tokens"),
      everyPage<PersonView>("/people?role=agent"),
      everyPage<PersonView>("/people?role=admin"),
    ]);
    // Staff are listed whole; a token of anyone else is a customer's own.
    return { tokens, owners: new Map([...agents, ...admins].map((person) => [person.id, person.name])) };
  });
  const [created, setCreated] = useState<(ApiTokenView & { token: string }) | null>(null);
  const revoke = useSubmission([]);
  return (
    <div className="admin-page">
      <h1>API tokens</h1>
      {created && <NewSecret token={created} onDone={() => setCreated(null)} />}
      {loaded.value === null && <LoadState error={loaded.error} what="Tokens" />}
      {loaded.value?.tokens.length === 0 && (
        <p className="empty">
          No API tokens yet. Create one below for each integration, so each can be revoked alone.
        </p>
      )}
      {loaded.value && loaded.value.tokens.length > 0 && (
        <AdminTable
          columns={[
            "Name",
            "Owner",
            "Scopes",
            "Created",
            "Expires",
            "Last used",
            <span key="state" className="visually-hidden">
              State
            </span>,
          ]}
        >
          {loaded.value.tokens.map((token) => (
            <tr key={token.id} className={token.revokedAt ? "revoked" : undefined}>
              <td>{token.name}</td>
              <td>{loaded.value?.owners.get(token.personId) ?? "A customer"}</td>
              <td>{token.scopes.join(", ")}</td>
              <td>{date(token.createdAt, "")}</td>
              <td>{date(token.expiresAt, "Never")}</td>
              <td>{date(token.lastUsedAt, "Never")}</td>
              <td>
                {token.revokedAt ? (
                  <span className="muted">Revoked {date(token.revokedAt, "")}</span>
                ) : (
                  <button
                    type="button"
                    disabled={revoke.busy}
                    onClick={() =>
                      revoke.run(async () => {
                        await api("DELETE", `/tokens/${token.id}`);
                        loaded.reload();
                      })
                    }
                  >
                    Revoke<span className="visually-hidden"> {token.name}</span>
                  </button>
                )}
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
      <FormProblems problems={revoke.problems} />
      <CreateTokenForm
        onCreated={(token) => {
          setCreated(token);
          loaded.reload();
        }}
      />
    </div>
  );
}
