import { type FormEvent, useCallback, useEffect, useState } from "react";
import type {
  ChatRouteKind,
  ChatRouteView,
  ConnectedChannelView,
} from "../../../src/modules/chat/chat-presenter.js";
import type { StreamEventKind } from "../../../src/modules/chat/stream-routing.js";
import type { Severity } from "../../../src/modules/tickets/ticket.js";
import { ApiError, api } from "../api.js";
import { severityNames } from "../ticket-labels.js";

interface RouteList {
  routes: ChatRouteView[];
  eventKinds: { kind: StreamEventKind; description: string }[];
}

interface Group {
  id: string;
  name: string;
}

const kindNames: Record<ChatRouteKind, string> = {
  slack: "Slack",
  teams: "Microsoft Teams",
  generic: "Generic JSON",
};

function problemOf(caught: unknown, fallback: string): string {
  if (!(caught instanceof ApiError)) return fallback;
  const fields = (caught.problem as { errors?: { field: string; message: string }[] }).errors ?? [];
  return fields.length > 0
    ? fields.map((error) => `${error.field}: ${error.message}`).join("; ")
    : caught.problem.detail;
}

/** What a route posts: its events, and only tickets of these groups and severities (none ticked: all). */
interface RouteFilters {
  eventKinds: StreamEventKind[];
  groupIds: string[];
  severities: Severity[];
}

const severities = Object.keys(severityNames) as Severity[];

const toggled = <Value,>(values: Value[], value: Value, on: boolean) =>
  on ? [...values.filter((v) => v !== value), value] : values.filter((v) => v !== value);

function RouteFilterFields({
  list,
  groups,
  value,
  onChange,
}: {
  list: RouteList;
  groups: Group[];
  value: RouteFilters;
  onChange: (next: RouteFilters) => void;
}) {
  return (
    <>
      <fieldset>
        <legend>Events</legend>
        {list.eventKinds.map(({ kind: eventKind, description }) => (
          <label key={eventKind}>
            <input
              type="checkbox"
              checked={value.eventKinds.includes(eventKind)}
              onChange={(event) =>
                onChange({ ...value, eventKinds: toggled(value.eventKinds, eventKind, event.target.checked) })
              }
            />{" "}
            {description}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Only these groups (none ticked: every group)</legend>
        {groups.map((group) => (
          <label key={group.id}>
            <input
              type="checkbox"
              checked={value.groupIds.includes(group.id)}
              onChange={(event) =>
                onChange({ ...value, groupIds: toggled(value.groupIds, group.id, event.target.checked) })
              }
            />{" "}
            {group.name}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Only these severities (none ticked: every severity)</legend>
        {severities.map((severity) => (
          <label key={severity}>
            <input
              type="checkbox"
              checked={value.severities.includes(severity)}
              onChange={(event) =>
                onChange({ ...value, severities: toggled(value.severities, severity, event.target.checked) })
              }
            />{" "}
            {severityNames[severity]}
          </label>
        ))}
      </fieldset>
    </>
  );
}

/** Changes what an existing route posts, in place. */
function RouteFiltersForm({
  route,
  list,
  groups,
  onDone,
}: {
  route: ChatRouteView;
  list: RouteList;
  groups: Group[];
  onDone: () => void;
}) {
  const [filters, setFilters] = useState<RouteFilters>({
    eventKinds: route.eventKinds,
    groupIds: route.groupIds,
    severities: route.severities,
  });
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      await api("PATCH", `/chat/routes/${route.id}`, filters);
      onDone();
    } catch (caught) {
      setError(problemOf(caught, "The route could not be saved."));
    }
  }
  return (
    <form onSubmit={(event) => void submit(event)} aria-label={`What ${route.name} posts`}>
      <RouteFilterFields list={list} groups={groups} value={filters} onChange={setFilters} />
      {error && <p role="alert">{error}</p>}
      <button type="submit">Save route</button>{" "}
      <button type="button" className="link" onClick={onDone}>
        Cancel
      </button>
    </form>
  );
}

/** A new chat route: where it posts (a webhook, or for Slack a bot token and channel) and what. */
function RouteForm({ list, groups, onSaved }: { list: RouteList; groups: Group[]; onSaved: () => void }) {
  const [name, setName] = useState("");
  const [kind, setKind] = useState<ChatRouteKind>("slack");
  const [useBot, setUseBot] = useState(false);
  const [webhookUrl, setWebhookUrl] = useState("");
  const [botToken, setBotToken] = useState("");
  const [slackChannelId, setSlackChannelId] = useState("");
  const [filters, setFilters] = useState<RouteFilters>({
    eventKinds: ["ticket.created"],
    groupIds: [],
    severities: [],
  });
  const [error, setError] = useState<string | null>(null);
  const bot = kind === "slack" && useBot;

  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      await api("POST", "/chat/routes", {
        name,
        kind,
        ...(bot ? { botToken, slackChannelId } : { webhookUrl }),
        ...filters,
      });
      setName("");
      setWebhookUrl("");
      setBotToken("");
      setError(null);
      onSaved();
    } catch (caught) {
      setError(problemOf(caught, "The route could not be saved."));
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)} aria-label="New chat route">
      <label>
        Name <input value={name} onChange={(event) => setName(event.target.value)} required />
      </label>
      <label>
        Platform{" "}
        <select value={kind} onChange={(event) => setKind(event.target.value as ChatRouteKind)}>
          {Object.entries(kindNames).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      {kind === "slack" && (
        <label>
          <input type="checkbox" checked={useBot} onChange={(event) => setUseBot(event.target.checked)} />{" "}
          Post with a bot token (one message per ticket, later events in its thread)
        </label>
      )}
      {bot ? (
        <>
          <label>
            Bot token <input value={botToken} onChange={(event) => setBotToken(event.target.value)} />
          </label>
          <label>
            Channel id{" "}
            <input value={slackChannelId} onChange={(event) => setSlackChannelId(event.target.value)} />
          </label>
        </>
      ) : (
        <label>
          Incoming webhook URL{" "}
          <input value={webhookUrl} onChange={(event) => setWebhookUrl(event.target.value)} />
        </label>
      )}
      <RouteFilterFields list={list} groups={groups} value={filters} onChange={setFilters} />
      {error && <p role="alert">{error}</p>}
      <button type="submit">Add route</button>
    </form>
  );
}

function ChannelForm({ onSaved }: { onSaved: () => void }) {
  const [name, setName] = useState("");
  const [slackChannelId, setSlackChannelId] = useState("");
  const [botToken, setBotToken] = useState("");
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      await api("POST", "/chat/channels", { name, slackChannelId, botToken });
      setName("");
      setSlackChannelId("");
      setBotToken("");
      setError(null);
      onSaved();
    } catch (caught) {
      setError(problemOf(caught, "The channel could not be connected."));
    }
  }
  return (
    <form onSubmit={(event) => void submit(event)} aria-label="Connect a Slack channel">
      <label>
        Name <input value={name} onChange={(event) => setName(event.target.value)} required />
      </label>
      <label>
        Slack channel id{" "}
        <input value={slackChannelId} onChange={(event) => setSlackChannelId(event.target.value)} />
      </label>
      <label>
        Bot token <input value={botToken} onChange={(event) => setBotToken(event.target.value)} />
      </label>
      {error && <p role="alert">{error}</p>}
      <button type="submit">Connect channel</button>
    </form>
  );
}

/** `/chat`: admins' ticket stream routes and the Slack channels that are a support channel. */
export default function ChatPages() {
  const [list, setList] = useState<RouteList | null>(null);
  const [channels, setChannels] = useState<ConnectedChannelView[]>([]);
  const [groups, setGroups] = useState<Group[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const [routes, connected, allGroups] = await Promise.all([
        api<RouteList>("GET", "/chat/routes"),
        api<{ channels: ConnectedChannelView[] }>("GET", "/chat/channels"),
        api<Group[]>("GET", "/groups"),
      ]);
      setList(routes);
      setChannels(connected.channels);
      setGroups(allGroups);
    } catch (caught) {
      setError(problemOf(caught, "The chat settings could not be loaded."));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  async function act(work: () => Promise<unknown>) {
    try {
      await work();
      await load();
    } catch (caught) {
      setError(problemOf(caught, "That did not work."));
    }
  }

  if (error && !list) return <p role="alert">{error}</p>;
  if (!list) return <p className="muted">Loading chat…</p>;
  const groupName = (id: string) => groups.find((group) => group.id === id)?.name ?? id;
  return (
    <section className="chat-admin">
      <h1>Chat</h1>
      {error && <p role="alert">{error}</p>}
      <h2>Ticket stream</h2>
      <table>
        <thead>
          <tr>
            <th>Route</th>
            <th>Posts to</th>
            <th>Events</th>
            <th>Only</th>
            <th>Change</th>
          </tr>
        </thead>
        <tbody>
          {list.routes.map((route) => (
            <tr key={route.id}>
              <td>{route.name}</td>
              <td>
                {kindNames[route.kind]} ·{" "}
                {route.delivery === "bot" ? `channel ${route.slackChannelId} (threaded)` : route.webhookHost}
              </td>
              <td>{route.eventKinds.join(", ")}</td>
              <td>
                {[
                  ...route.groupIds.map(groupName),
                  ...route.severities.map((severity) => severityNames[severity]),
                ].join(", ") || "everything"}
              </td>
              <td>
                <button
                  type="button"
                  onClick={() =>
                    void act(() => api("PATCH", `/chat/routes/${route.id}`, { enabled: !route.enabled }))
                  }
                >
                  {route.enabled ? "Switch off" : "Switch on"}
                </button>
                <button type="button" onClick={() => setEditing(route.id)}>
                  Edit what it posts
                </button>
                <button
                  type="button"
                  onClick={() => void act(() => api("DELETE", `/chat/routes/${route.id}`))}
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {list.routes
        .filter((route) => route.id === editing)
        .map((route) => (
          <RouteFiltersForm
            key={route.id}
            route={route}
            list={list}
            groups={groups}
            onDone={() => {
              setEditing(null);
              void load();
            }}
          />
        ))}
      <RouteForm list={list} groups={groups} onSaved={() => void load()} />
      <h2>Connected Slack channels</h2>
      <p className="muted">
        A message in a connected channel opens a ticket; replies in its thread are comments, and agents'
        public replies are posted back to the thread.
      </p>
      <ul>
        {channels.map((channel) => (
          <li key={channel.id}>
            {channel.name} ({channel.slackChannelId}){channel.enabled ? "" : " — off"}{" "}
            <button
              type="button"
              onClick={() => void act(() => api("DELETE", `/chat/channels/${channel.id}`))}
            >
              Disconnect
            </button>
          </li>
        ))}
      </ul>
      <ChannelForm onSaved={() => void load()} />
    </section>
  );
}
