import type { WebClient } from '@slack/web-api';
import { errorMessage } from './blocks/diagnosis';
import type { SlackMessage } from './blocks/types';

/** Tells one person something in the channel, privately: a refusal, in words, or a message drawn for it. */
export async function tellPrivately(
  client: WebClient,
  channel: string,
  user: string,
  said: string | SlackMessage,
): Promise<void> {
  await client.chat.postEphemeral({
    channel,
    user,
    ...(typeof said === 'string' ? errorMessage(said) : said),
  });
}
