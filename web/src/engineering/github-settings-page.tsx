import { type FormEvent, useCallback, useEffect, useState } from "react";
import type { GithubSettings } from "../../../src/modules/engineering/github-settings.js";
import { api } from "../api.js";

const list = (text: string) =>
  text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

/**
 * Admin → GitHub: the API root (github.com or an Enterprise Server's /api/v3), the token, where
 * agents may file, the default labels and the webhook secret. Secrets are write-only: the page
 * shows whether one is set, and an empty field keeps it.
 */
export function GithubSettingsPage() {
  const [settings, setSettings] = useState<GithubSettings | null>(null);
  const [baseUrl, setBaseUrl] = useState("");
  const [token, setToken] = useState("");
  const [defaultRepository, setDefaultRepository] = useState("");
  const [allowed, setAllowed] = useState("");
  const [labels, setLabels] = useState("");
  const [webhookSecret, setWebhookSecret] = useState("");
  const [message, setMessage] = useState<{ text: string; problem: boolean } | null>(null);

  // Setters are stable: the callback is made once.
  const show = useCallback((loaded: GithubSettings) => {
    setSettings(loaded);
    setBaseUrl(loaded.baseUrl);
    setDefaultRepository(loaded.defaultRepository ?? "");
    setAllowed(loaded.repositories.filter((name) => name !== loaded.defaultRepository).join(", "));
    setLabels(loaded.defaultLabels.join(", "));
    setToken("");
    setWebhookSecret("");
  }, []);

  useEffect(() => {
    api<GithubSettings>("GET", "/integrations/github/settings")
      .then(show)
      .catch((error: Error) => setMessage({ text: error.message, problem: true }));
  }, [show]);

  async function save(event: FormEvent) {
    event.preventDefault();
    try {
      show(
        await api<GithubSettings>("PUT", "/integrations/github/settings", {
          baseUrl,
          defaultRepository: defaultRepository.trim() || null,
          allowedRepositories: list(allowed),
          defaultLabels: list(labels),
          ...(token ? { token } : {}),
          ...(webhookSecret ? { webhookSecret } : {}),
        }),
      );
      setMessage({ text: "Saved.", problem: false });
    } catch (error) {
      setMessage({ text: error instanceof Error ? error.message : "Not saved.", problem: true });
    }
  }

  if (!settings) return message ? <p role="alert">{message.text}</p> : <p className="muted">Loading…</p>;
  return (
    <section aria-labelledby="github-settings-title">
      <h1 id="github-settings-title">GitHub</h1>
      <p className="muted">
        Agents open issues from tickets in these repositories. Point the repository's webhook (content type
        application/json, the Issues event) at{" "}
        <code>{`${location.origin}/api/v1/integrations/github/webhook`}</code> with the same secret, so closed
        issues reopen their tickets.
      </p>
      <form onSubmit={save} className="admin-form">
        <label htmlFor="github-base-url">API address</label>
        <input id="github-base-url" required value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} />
        <label htmlFor="github-token">
          Token {settings.tokenSet ? "(set; leave empty to keep)" : "(not set)"}
        </label>
        <input
          id="github-token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
        />
        <label htmlFor="github-default-repository">Default repository (owner/name)</label>
        <input
          id="github-default-repository"
          value={defaultRepository}
          onChange={(e) => setDefaultRepository(e.target.value)}
        />
        <label htmlFor="github-allowed">Other allowed repositories (comma-separated)</label>
        <input id="github-allowed" value={allowed} onChange={(e) => setAllowed(e.target.value)} />
        <label htmlFor="github-labels">Default labels (comma-separated)</label>
        <input id="github-labels" value={labels} onChange={(e) => setLabels(e.target.value)} />
        <label htmlFor="github-webhook-secret">
          Webhook secret {settings.webhookSecretSet ? "(set; leave empty to keep)" : "(not set)"}
        </label>
        <input
          id="github-webhook-secret"
          type="password"
          autoComplete="off"
          value={webhookSecret}
          onChange={(e) => setWebhookSecret(e.target.value)}
        />
        <div className="actions">
          <button type="submit" className="primary">
            Save
          </button>
        </div>
      </form>
      {message && <p role={message.problem ? "alert" : "status"}>{message.text}</p>}
    </section>
  );
}
