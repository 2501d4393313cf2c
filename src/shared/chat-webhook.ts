/** A chat server that does not answer in this long is treated as down: the job tries again. */
const webhookTimeoutMs = 10_000;

/**
 * Posts a JSON message to a chat's incoming webhook (a Slack Block Kit payload, a Teams card, any
 * JSON). A refusal throws, for the caller's job to retry.
 */
export async function postJsonToChat(url: string, message: unknown): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(message),
    signal: AbortSignal.timeout(webhookTimeoutMs),
  });
  if (!response.ok) throw new Error(`chat webhook answered ${response.status}`);
}

/**
 * Posts a line to a Slack-compatible incoming webhook (`{"text": …}`, which Mattermost, Rocket.Chat
 * and Google Chat's Slack mode take too).
 */
export async function postToChat(url: string, text: string): Promise<void> {
  await postJsonToChat(url, { text });
}
