import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { readRiskListValue } from '../blocks/digest-buttons';
import { errorMessage } from '../blocks/help';
import type { SlackContext } from '../context';

type Args = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * A digest's `List the N machines` button, and the page buttons of the list: the machines shown to the
 * person who clicked, privately. A page button turns the list in place instead of adding another.
 */
export function digestList(ctx: SlackContext) {
  return async ({ ack, action, body, respond }: Args): Promise<void> => {
    await ack();
    const value = readRiskListValue(action.value);
    const turning = body.container?.is_ephemeral === true;
    const answer = value
      ? await ctx.digests.riskList(value, body.channel?.id ?? '')
      : errorMessage('That button could not be read; the next digest has a list that works.');
    await respond({ response_type: 'ephemeral', replace_original: turning, ...answer });
  };
}
