import type { PersonPageWebhookView } from "../../../src/modules/paging/person-page-webhooks.js";
import {
  AdminForm,
  LoadState,
  TextField,
  useDraft,
  useLoaded,
  useSubmission,
} from "../admin/form-controls.js";
import { api } from "../api.js";
import { useMe } from "../session.js";

/**
 * The signed-in person's own webhook for pages: each page that reaches them is posted there too,
 * with its one-click acknowledge and resolve links. The URL is the credential to post in their
 * chat, so Tend shows back only its host; a new one replaces it.
 */
export function MyPageWebhookSection() {
  const me = useMe();
  const path = `/people/${me.id}/page-webhook`;
  const loaded = useLoaded(() => api<PersonPageWebhookView>("GET", path), [path]);
  const submission = useSubmission(["url"]);
  const { draft, setDraft, bind } = useDraft({ url: "" });
  const save = (url: string | null) =>
    submission.run(async () => {
      await api("PUT", path, { url });
      setDraft({ url: "" });
      loaded.reload();
    });
  const current = loaded.value;
  return (
    <AdminForm
      submission={submission}
      title="My page webhook"
      heading="h2"
      submitLabel={current?.configured ? "Replace webhook" : "Save webhook"}
      onSubmit={(event) => {
        event.preventDefault();
        save(draft.url.trim());
      }}
    >
      {current === null && <LoadState error={loaded.error} what="Your page webhook" />}
      {current && (
        <p className="muted">
          {current.configured
            ? `Pages reaching you are also posted to ${current.host}.`
            : "None: pages reach you by mail only."}
        </p>
      )}
      <TextField
        label="Webhook URL"
        hint="A Slack, Mattermost or other incoming-webhook address (https)."
        type="url"
        required
        maxLength={2000}
        {...bind("url")}
      />
      {current?.configured && (
        <button type="button" disabled={submission.busy} onClick={() => save(null)}>
          Remove webhook
        </button>
      )}
    </AdminForm>
  );
}
