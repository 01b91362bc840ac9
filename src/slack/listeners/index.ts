import type { App } from '@slack/bolt';
import { approveFix } from '../actions/approve-fix';
import { denyFix } from '../actions/deny-fix';
import { FIX_ACTION_PATTERN, fixButton } from '../actions/fix-button';
import { pickVm } from '../actions/pick-vm';
import { rerunDiagnosis } from '../actions/rerun-diagnosis';
import { selectSymptom } from '../actions/select-symptom';
import { diagnoseMachine } from '../actions/diagnose-machine';
import { digestFix } from '../actions/digest-fix';
import { digestList } from '../actions/digest-list';
import { watchFix } from '../actions/watch-fix';
import { DIGEST_DIAGNOSE_PATTERN, DIGEST_FIX_PATTERN, DIGEST_LIST_PATTERN } from '../blocks/digest-buttons';
import { RERUN_ACTION_ID } from '../blocks/rerun-button';
import { WATCH_DIAGNOSE_PATTERN, WATCH_FIX_PATTERN } from '../blocks/watch';
import { APPROVE_ACTION_ID, DENY_ACTION_ID } from '../blocks/proposal';
import { rdpCommand } from '../commands/rdp';
import { appHomeOpened } from '../events/app-home-opened';
import { DIAGNOSE_RDP_CALLBACK_ID, diagnoseRdpShortcut } from '../shortcuts/diagnose-rdp';
import type { SlackContext } from '../context';
import { ignoreSlackRetries } from '../middleware/ignore-retries';
import { DENY_REASON_CALLBACK_ID, submitDenyReason } from '../views/deny-reason';
import { FIX_PARAMS_CALLBACK_ID, submitFixParams } from '../views/fix-params';

/** Every Slack surface the app answers, in one place (Bolt's listener folders). */
export function registerListeners(app: App, ctx: SlackContext): void {
  app.use(ignoreSlackRetries);
  app.command('/rdp', rdpCommand(ctx));
  app.shortcut({ type: 'message_action', callback_id: DIAGNOSE_RDP_CALLBACK_ID }, diagnoseRdpShortcut(ctx));
  app.event('app_home_opened', appHomeOpened(ctx));
  app.action('pick-vm', pickVm(ctx));
  app.action('symptom:select', selectSymptom(ctx));
  app.action(RERUN_ACTION_ID, rerunDiagnosis(ctx));
  app.action(FIX_ACTION_PATTERN, fixButton(ctx));
  app.action(WATCH_DIAGNOSE_PATTERN, diagnoseMachine(ctx));
  app.action(WATCH_FIX_PATTERN, watchFix(ctx));
  app.action(DIGEST_DIAGNOSE_PATTERN, diagnoseMachine(ctx));
  app.action(DIGEST_FIX_PATTERN, digestFix(ctx));
  app.action(DIGEST_LIST_PATTERN, digestList(ctx));
  app.action(APPROVE_ACTION_ID, approveFix(ctx));
  app.action(DENY_ACTION_ID, denyFix(ctx));
  app.view(FIX_PARAMS_CALLBACK_ID, submitFixParams(ctx));
  app.view(DENY_REASON_CALLBACK_ID, submitDenyReason(ctx));
}
