import { useEffect, useRef, useState } from "react";
import type {
  WebhookDeliveryView,
  WebhookEndpointView,
} from "../../../src/modules/webhooks/webhook-presenter.js";
import { api, type Page } from "../api.js";
import {
  AdminForm,
  AdminTable,
  CheckboxGroup,
  FormProblems,
  LoadState,
  TextField,
  useDraft,
  useLoaded,
  useSubmission,
} from "./form-controls.js";

type EndpointWithSecret = { endpoint: WebhookEndpointView; secret: string };

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "");

/** A signing secret just made or rotated: shown this once, as the API gives it only here. */
function NewSecret({ made, onDone }: { made: EndpointWithSecret; onDone(): void }) {
  const secret = useRef<HTMLInputElement>(null);
  useEffect(() => secret.current?.focus(), []);
  return (
    <section className="new-secret" aria-labelledby="new-webhook-secret-title">
      <h2 id="new-webhook-secret-title">Signing secret for {made.endpoint.url}</h2>
      <p>
        Copy it now: Tend cannot show it again. Receivers verify each delivery with a Standard Webhooks
        library (<code>new Webhook(secret).verify(body, headers)</code>).
      </p>
      <label htmlFor="new-webhook-secret-value">Secret</label>
      <input
        ref={secret}
        id="new-webhook-secret-value"
        readOnly
        value={made.secret}
        onFocus={(e) => e.currentTarget.select()}
      />
      <div className="actions">
        <button type="button" onClick={onDone}>
          Done
        </button>
      </div>
    </section>
  );
}

const endpointFields = ["url", "description", "eventKinds"] as const;
const newEndpoint = { url: "", description: "", eventKinds: ["*"] as string[] };

function CreateEndpointForm({
  kinds,
  onCreated,
}: {
  kinds: Record<string, string>;
  onCreated(made: EndpointWithSecret): void;
}) {
  const submission = useSubmission(endpointFields);
  const { draft, setDraft, bind } = useDraft(newEndpoint);
  return (
    <AdminForm
      submission={submission}
      title="Add an endpoint"
      heading="h2"
      submitLabel="Add endpoint"
      onSubmit={submission.submit(async () => {
        const made = await api<EndpointWithSecret>("POST", "/webhooks/endpoints", draft);
        setDraft(newEndpoint);
        onCreated(made);
      })}
    >
      <TextField
        label="URL"
        hint="https, or http to this machine."
        required
        maxLength={2000}
        {...bind("url")}
      />
      <TextField label="Description" maxLength={500} {...bind("description")} />
      <CheckboxGroup
        legend="Events"
        names={kinds}
        {...bind("eventKinds")}
        hint="“Every event” includes future ones."
      />
    </AdminForm>
  );
}

/** One endpoint's deliveries, newest first, with each attempt's answer and a Redeliver button. */
function Deliveries({ endpoint }: { endpoint: WebhookEndpointView }) {
  const loaded = useLoaded(
    () => api<Page<WebhookDeliveryView>>("GET", `/webhooks/endpoints/${endpoint.id}/deliveries?limit=20`),
    [endpoint.id],
  );
  const redeliver = useSubmission([]);
  return (
    <section aria-label={`Deliveries to ${endpoint.url}`}>
      <h3>Deliveries to {endpoint.description || endpoint.url}</h3>
      {loaded.value === null && <LoadState error={loaded.error} what="Deliveries" />}
      {loaded.value?.items.length === 0 && <p className="empty">Nothing delivered yet.</p>}
      {loaded.value && loaded.value.items.length > 0 && (
        <AdminTable columns={["Event", "State", "Attempts", "Last answer", "Actions"]}>
          {loaded.value.items.map((delivery) => {
            const last = delivery.attempts.at(-1);
            return (
              <tr key={delivery.id}>
                <td>{delivery.eventKind}</td>
                <td>{delivery.state}</td>
                <td>{delivery.attempts.length}</td>
                <td>
                  {last
                    ? `${last.statusCode ?? last.error ?? ""} ${last.responseBody} (${last.durationMs} ms, ${when(last.at)})`
                    : ""}
                </td>
                <td>
                  <button
                    type="button"
                    disabled={redeliver.busy}
                    onClick={() =>
                      redeliver.run(async () => {
                        await api("POST", `/webhooks/deliveries/${delivery.id}/redelivery`);
                        loaded.reload();
                      })
                    }
                  >
                    Redeliver<span className="visually-hidden"> {delivery.eventKind}</span>
                  </button>
                </td>
              </tr>
            );
          })}
        </AdminTable>
      )}
      <FormProblems problems={redeliver.problems} />
    </section>
  );
}

/** Outgoing webhooks: endpoints with enable/disable, secret rotation and their delivery log. */
export function WebhooksPage() {
  const loaded = useLoaded(async () => {
    const [endpoints, kinds] = await Promise.all([
      api<Page<WebhookEndpointView>>("GET", "/webhooks/endpoints?limit=200"),
      api<{ items: Array<{ kind: string; description: string }> }>("GET", "/webhooks/event-kinds"),
    ]);
    const names: Record<string, string> = { "*": "Every event" };
    for (const kind of kinds.items) names[kind.kind] = `${kind.kind}: ${kind.description}`;
    return { endpoints: endpoints.items, names };
  });
  const [made, setMade] = useState<EndpointWithSecret | null>(null);
  const [shown, setShown] = useState<WebhookEndpointView | null>(null);
  const action = useSubmission([]);
  return (
    <div className="admin-page">
      <h1>Webhooks</h1>
      {made && <NewSecret made={made} onDone={() => setMade(null)} />}
      {loaded.value === null && <LoadState error={loaded.error} what="Endpoints" />}
      {loaded.value?.endpoints.length === 0 && <p className="empty">No webhook endpoints yet.</p>}
      {loaded.value && loaded.value.endpoints.length > 0 && (
        <AdminTable columns={["URL", "Events", "State", "Actions"]}>
          {loaded.value.endpoints.map((endpoint) => (
            <tr key={endpoint.id}>
              <td>
                {endpoint.url}
                {endpoint.description && <div className="muted">{endpoint.description}</div>}
              </td>
              <td>{endpoint.eventKinds.join(", ")}</td>
              <td>
                {endpoint.enabled
                  ? "Enabled"
                  : `Disabled${endpoint.disabledReason ? `: ${endpoint.disabledReason}` : ""}`}
              </td>
              <td>
                <button
                  type="button"
                  disabled={action.busy}
                  onClick={() =>
                    action.run(async () => {
                      await api("PATCH", `/webhooks/endpoints/${endpoint.id}`, {
                        enabled: !endpoint.enabled,
                      });
                      loaded.reload();
                    })
                  }
                >
                  {endpoint.enabled ? "Disable" : "Enable"}
                  <span className="visually-hidden"> {endpoint.url}</span>
                </button>
                <button
                  type="button"
                  disabled={action.busy}
                  onClick={() =>
                    action.run(async () => {
                      setMade(
                        await api<EndpointWithSecret>(
                          "POST",
                          `/webhooks/endpoints/${endpoint.id}/secret-rotation`,
                        ),
                      );
                    })
                  }
                >
                  Rotate secret<span className="visually-hidden"> {endpoint.url}</span>
                </button>
                <button type="button" onClick={() => setShown(endpoint)}>
                  Deliveries<span className="visually-hidden"> {endpoint.url}</span>
                </button>
              </td>
            </tr>
          ))}
        </AdminTable>
      )}
      <FormProblems problems={action.problems} />
      {shown && <Deliveries endpoint={shown} />}
      {loaded.value && (
        <CreateEndpointForm
          kinds={loaded.value.names}
          onCreated={(endpoint) => {
            setMade(endpoint);
            loaded.reload();
          }}
        />
      )}
    </div>
  );
}
