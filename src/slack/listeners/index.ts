import type { App } from '@slack/bolt';
import { pickVm } from '../actions/pick-vm';
import { selectSymptom } from '../actions/select-symptom';
import { rdpCommand } from '../commands/rdp';
import type { SlackContext } from '../context';
import { ignoreSlackRetries } from '../middleware/ignore-retries';

/** Every Slack surface the app answers, in one place (Bolt's listener folders). */
export function registerListeners(app: App, ctx: SlackContext): void {
  app.use(ignoreSlackRetries);
  app.command('/rdp', rdpCommand(ctx));
  app.action('pick-vm', pickVm(ctx));
  app.action('symptom:select', selectSymptom(ctx));
}
