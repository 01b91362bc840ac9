import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from '@slack/bolt';
import type { SlackContext } from '../context';

type Args = SlackEventMiddlewareArgs<'app_home_opened'> & AllMiddlewareArgs;

/** Someone opened the app: draw their Home tab (the Messages tab needs nothing drawn). */
export function appHomeOpened(ctx: SlackContext) {
  return async ({ event }: Args): Promise<void> => {
    if (event.tab !== 'home') return;
    await ctx.home.opened(event.user);
  };
}
