import { createHmac } from 'node:crypto';

// Requests as Slack sends them to an app: form-encoded bodies signed with the signing secret
// (`v0=` HMAC-SHA256 of `v0:<timestamp>:<body>`). The tests and the local workspace both speak to the
// real Bolt app this way, so whatever passes here passes in Slack.

export interface SignedRequest {
  body: string;
  headers: Record<string, string>;
}

export function signRequest(
  signingSecret: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
): SignedRequest {
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  return {
    body,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
    },
  };
}

export interface SlashCommand {
  command: string;
  text: string;
  userId: string;
  userName?: string;
  channelId: string;
  channelName?: string;
  teamId: string;
  responseUrl: string;
  triggerId: string;
}

/** The form fields of a slash command invocation, as Slack documents them. */
export function slashCommandBody(c: SlashCommand): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: c.teamId,
    team_domain: 'rdp-doctor',
    channel_id: c.channelId,
    channel_name: c.channelName ?? 'incidents',
    user_id: c.userId,
    user_name: c.userName ?? c.userId.toLowerCase(),
    command: c.command,
    text: c.text,
    api_app_id: 'A0RDPDOCTOR',
    is_enterprise_install: 'false',
    response_url: c.responseUrl,
    trigger_id: c.triggerId,
  }).toString();
}

/** An interactive payload (`block_actions`, `view_submission`, …) as Slack posts it: one `payload` field. */
export function interactionBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}
