/**
 * The two Slack Web API methods Tend calls, against a configurable base (TEND_SLACK_API_URL,
 * `https://slack.com/api` by default; tests point it at a local server). Slack answers 200 with
 * `{ ok: false, error }` for most refusals, so both the status and `ok` are checked; a refusal
 * throws, for the calling job to retry.
 */

/** A Slack server that does not answer in this long is treated as down: the job tries again. */
const slackTimeoutMs = 10_000;

export interface SlackApi {
  baseUrl: string;
  botToken: string;
}

async function slackAnswer(method: string, response: Response): Promise<Record<string, unknown>> {
  if (!response.ok) throw new Error(`Slack's ${method} answered ${response.status}`);
  const answer = (await response.json()) as Record<string, unknown>;
  if (answer.ok !== true)
    throw new Error(`Slack's ${method} refused: ${String(answer.error ?? "no reason")}`);
  return answer;
}

/** `chat.postMessage`: posts to a channel, under a thread when `threadTs` is given; answers the message's ts. */
export async function postSlackMessage(
  api: SlackApi,
  message: { channel: string; text: string; blocks?: unknown[]; threadTs?: string },
): Promise<string> {
  const response = await fetch(`${api.baseUrl}/chat.postMessage`, {
    method: "POST",
    headers: {
      "content-type": "application/json; charset=utf-8",
      authorization: `Bearer ${api.botToken}`,
    },
    body: JSON.stringify({
      channel: message.channel,
      text: message.text,
      ...(message.blocks ? { blocks: message.blocks } : {}),
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      unfurl_links: false,
    }),
    signal: AbortSignal.timeout(slackTimeoutMs),
  });
  const answer = await slackAnswer("chat.postMessage", response);
  if (typeof answer.ts !== "string") throw new Error("Slack's chat.postMessage answered no ts");
  return answer.ts;
}

export interface SlackUser {
  name: string;
  /** Absent when the app lacks the `users:read.email` scope or the user hides it. */
  email: string | null;
  isBot: boolean;
}

/** `users.info`: a Slack user's display name and email, to find or create the person they are. */
export async function lookUpSlackUser(api: SlackApi, userId: string): Promise<SlackUser> {
  const response = await fetch(`${api.baseUrl}/users.info?user=${encodeURIComponent(userId)}`, {
    headers: { authorization: `Bearer ${api.botToken}` },
    signal: AbortSignal.timeout(slackTimeoutMs),
  });
  const answer = await slackAnswer("users.info", response);
  const user = (answer.user ?? {}) as {
    name?: string;
    real_name?: string;
    is_bot?: boolean;
    profile?: { email?: string; real_name?: string; display_name?: string };
  };
  const email = user.profile?.email?.trim().toLowerCase() || null;
  return {
    name: user.profile?.real_name || user.real_name || user.profile?.display_name || user.name || userId,
    email,
    isBot: user.is_bot === true,
  };
}
