import { useState } from "react";
import type { StatusSubscriberView } from "../../../src/modules/status/status-subscriptions.js";
import {
  AdminForm,
  AdminTable,
  CheckboxGroup,
  everyPage,
  FormProblems,
  LoadState,
  namesById,
  TextField,
  useDraft,
  useFocusOnOpen,
  useLoaded,
  useSubmission,
} from "../admin/form-controls.js";
import { api } from "../api.js";
import { useMe } from "../session.js";
import { loadComponents } from "./incidents-page.js";
import type { StatusComponent } from "./status-figures.js";

async function loadSubscribers() {
  const [subscribers, components] = await Promise.all([
    everyPage<StatusSubscriberView>("/status/subscribers"),
    loadComponents(),
  ]);
  return { subscribers, components };
}

interface CreatedWebhook {
  subscriber: StatusSubscriberView;
  secret: string;
}

function WebhookForm({
  components,
  onCreated,
}: {
  components: StatusComponent[];
  onCreated(created: CreatedWebhook): void;
}) {
  const { draft, bind } = useDraft({ url: "", componentIds: [] as string[] });
  const submission = useSubmission(["url", "componentIds"]);
  useFocusOnOpen(submission.formRef);
  return (
    <AdminForm
      submission={submission}
      title="New webhook"
      heading="h2"
      submitLabel="Add webhook"
      onSubmit={submission.submit(async () => {
        onCreated(
          await api<CreatedWebhook>("POST", "/status/subscribers/webhooks", {
            url: draft.url.trim(),
            componentIds: draft.componentIds,
          }),
        );
      })}
    >
      <TextField
        label="URL"
        hint="An https address that accepts a JSON POST."
        required
        maxLength={2000}
        {...bind("url")}
      />
      <CheckboxGroup
        legend="Components"
        hint="None ticked: every component."
        names={namesById(components)}
        {...bind("componentIds")}
      />
    </AdminForm>
  );
}

/** The secret, shown once, with how a receiver checks a delivery is ours. */
function SecretPanel({ created, onDone }: { created: CreatedWebhook; onDone(): void }) {
  return (
    <section className="secret-panel" aria-labelledby="webhook-secret-title">
      <h2 id="webhook-secret-title">Webhook added: copy its secret now</h2>
      <p>This secret is shown once. Tend keeps it sealed and cannot show it again.</p>
      <pre>{created.secret}</pre>
      <p>
        Each delivery is signed the Standard Webhooks way: the headers <code>webhook-id</code>,{" "}
        <code>webhook-timestamp</code> and <code>webhook-signature</code> carry
        <code> v1,</code> followed by the base64 HMAC-SHA256 of <code>id.timestamp.body</code>, keyed with the
        secret's part after <code>whsec_</code> decoded from base64. A <code>standardwebhooks</code> library
        does it in one call; reject a timestamp more than five minutes old.
      </p>
      <button type="button" onClick={onDone}>
        I have copied it
      </button>
    </section>
  );
}

function DeleteSubscriber({
  subscriber,
  name,
  onDeleted,
}: {
  subscriber: StatusSubscriberView;
  name: string;
  onDeleted(): void;
}) {
  const [asking, setAsking] = useState(false);
  const deletion = useSubmission([]);
  if (!asking)
    return (
      <button type="button" onClick={() => setAsking(true)}>
        Delete<span className="visually-hidden"> {name}</span>
      </button>
    );
  return (
    <>
      <span role="alert">Stop telling {name}?</span>{" "}
      <button
        type="button"
        disabled={deletion.busy}
        onClick={() =>
          deletion.run(async () => {
            await api("DELETE", `/status/subscribers/${subscriber.id}`);
            onDeleted();
          })
        }
      >
        Yes, delete<span className="visually-hidden"> {name}</span>
      </button>{" "}
      <button type="button" className="link" onClick={() => setAsking(false)}>
        Keep
      </button>
      <FormProblems problems={deletion.problems} />
    </>
  );
}

/** `/statuspage/subscribers`: who hears of incidents and maintenance. Staff read; admins add webhooks and delete. */
export function SubscribersPage() {
  const admin = useMe().role === "admin";
  const loaded = useLoaded(loadSubscribers);
  const [adding, setAdding] = useState(false);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);
  const value = loaded.value;
  const componentNames = new Map((value?.components ?? []).map((c) => [c.id, c.name]));
  return (
    <>
      <h1>Subscribers</h1>
      <p className="hint">
        People subscribe by email on the public page and confirm by a link; admins add webhooks here.
      </p>
      {value === null && <LoadState error={loaded.error} what="Subscribers" />}
      {value?.subscribers.length === 0 && <p className="empty">No subscribers yet.</p>}
      {value && value.subscribers.length > 0 && (
        <AdminTable
          columns={[
            "Subscriber",
            "Kind",
            "Confirmed",
            "Components",
            "Last delivery",
            ...(admin
              ? [
                  <span key="a" className="visually-hidden">
                    Actions
                  </span>,
                ]
              : []),
          ]}
        >
          {value.subscribers.map((subscriber) => {
            const name = subscriber.email ?? subscriber.webhookHost ?? subscriber.id;
            return (
              <tr key={subscriber.id}>
                <th scope="row">{name}</th>
                <td>{subscriber.kind === "email" ? "Email" : "Webhook"}</td>
                <td>
                  {subscriber.confirmedAt
                    ? new Date(subscriber.confirmedAt).toLocaleDateString()
                    : "Not confirmed yet"}
                </td>
                <td>
                  {subscriber.allComponents
                    ? "All"
                    : subscriber.componentIds.map((id) => componentNames.get(id) ?? id).join(", ")}
                </td>
                <td>
                  {subscriber.lastDeliveryAt
                    ? new Date(subscriber.lastDeliveryAt).toLocaleString()
                    : "None yet"}
                  {subscriber.lastDeliveryAnswer && (
                    <span className="muted"> ({subscriber.lastDeliveryAnswer})</span>
                  )}
                </td>
                {admin && (
                  <td>
                    <DeleteSubscriber subscriber={subscriber} name={name} onDeleted={loaded.reload} />
                  </td>
                )}
              </tr>
            );
          })}
        </AdminTable>
      )}
      {created && (
        <SecretPanel
          created={created}
          onDone={() => {
            setCreated(null);
          }}
        />
      )}
      {admin && value && !created && (
        <section aria-label="Add a webhook">
          {adding ? (
            <>
              <WebhookForm
                components={value.components}
                onCreated={(webhook) => {
                  setAdding(false);
                  setCreated(webhook);
                  loaded.reload();
                }}
              />
              <button type="button" className="link" onClick={() => setAdding(false)}>
                Cancel
              </button>
            </>
          ) : (
            <button type="button" onClick={() => setAdding(true)}>
              New webhook
            </button>
          )}
        </section>
      )}
    </>
  );
}
