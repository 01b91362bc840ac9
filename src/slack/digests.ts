import type { WebClient } from '@slack/web-api';
import { findSubscription, parseAdd } from '../digest/commands';
import { DigestInputError } from '../digest/errors';
import { machinesFound, type DigestReport } from '../digest/report';
import { metrics } from '../metrics';
import { nextRuns } from '../digest/schedule';
import { scopeToJson } from '../digest/scope';
import type { DigestService } from '../digest/service';
import type { Logger } from '../logger';
import { describeFailure } from '../pipeline/failure';
import type { DigestSubscription, Store } from '../store';
import { digestFailedMessage, digestMessages } from './blocks/digest';
import type { RiskListValue } from './blocks/digest-buttons';
import { riskListGoneMessage, riskListMessage } from './blocks/digest-risk-list';
import {
  digestAddedMessage,
  digestListMessage,
  digestRemovedMessage,
  digestRunningMessage,
} from './blocks/digest-subscriptions';
import { errorMessage } from './blocks/help';
import type { SlackMessage } from './blocks/types';
import type { SlackContext } from './context';

// `/rdp digest add|list|remove|run` and the posting of a digest: the Slack side of src/digest. Every
// answer to the command is private; the digest itself goes to the channel, long lists in its thread. A
// digest that cannot be built says so in the channel, with why and when it tries next.

export interface DigestCommandsDependencies {
  store: Pick<
    Store,
    | 'createSubscription'
    | 'listSubscriptions'
    | 'getSubscription'
    | 'deleteSubscription'
    | 'updateSubscription'
  >;
  service: DigestService;
  client: Pick<WebClient, 'chat'>;
  logger: Logger;
  /** Called after a digest is added or removed here, so this replica's scheduler picks it up at once. */
  onChange?: () => void;
}

export type DigestPosted =
  | {
      posted: 'digest';
      /** The main message's ts: the thread the long lists went to. */
      ts: string;
      report: DigestReport;
    }
  | {
      /** The digest could not be built; the channel was told why and when the next try is. */
      posted: 'failure';
      ts: string;
      reason: string;
    };

export type DigestCommands = SlackContext['digests'] & {
  /** Builds the subscription's digest, posts it to its channel and remembers it for the next one. */
  deliver(subscription: DigestSubscription): Promise<DigestPosted>;
};

export function digestCommands(deps: DigestCommandsDependencies): DigestCommands {
  const { store, service, client, logger } = deps;

  /** The channel hears of a digest that could not be built: why, in plain words, and the next try. */
  async function tellFailure(subscription: DigestSubscription, error: unknown): Promise<DigestPosted> {
    logger.error({ err: error, subscriptionId: subscription.id }, 'a digest could not be built');
    const reason =
      error instanceof DigestInputError ? error.message : describeFailure(error).message.split('\n')[0];
    const [next] = nextRuns({ cron: subscription.schedule, timezone: subscription.timezone }, 1);
    const posted = await client.chat.postMessage({
      channel: subscription.channel,
      ...digestFailedMessage(subscription, reason, next ?? null),
    });
    return { posted: 'failure', ts: posted.ts as string, reason };
  }

  async function deliver(subscription: DigestSubscription): Promise<DigestPosted> {
    let run;
    try {
      run = await service.build(subscription);
    } catch (error) {
      metrics.digestRuns.inc({ outcome: 'failed' });
      return tellFailure(subscription, error);
    }
    const { main, thread } = digestMessages(run.report);
    const posted = await client.chat.postMessage({ channel: subscription.channel, ...main });
    const ts = posted.ts as string;
    for (const reply of thread)
      await client.chat.postMessage({ channel: subscription.channel, thread_ts: ts, ...reply });
    // Remembered only once posted: a digest nobody saw is not the one the next should compare with.
    await store.updateSubscription(subscription.id, { lastReport: run.memory });
    metrics.digestRuns.inc({ outcome: 'posted' });
    return { posted: 'digest', ts, report: run.report };
  }

  /** A risk's machines as the channel's latest digest found them; another channel's digest is not shown. */
  async function riskList(value: RiskListValue, channel: string): Promise<SlackMessage> {
    const subscription = await store.getSubscription(value.digest);
    if (!subscription || subscription.channel !== channel) return riskListGoneMessage(value, null);
    const found = machinesFound(subscription.lastReport, value.risk);
    if (!found || found.at !== value.at) return riskListGoneMessage(value, found);
    return riskListMessage(value, found.machines);
  }

  const actions: Record<
    'add' | 'list' | 'remove' | 'run',
    (args: {
      args: string[];
      channel: string;
      user: string;
      respond: (message: SlackMessage) => Promise<void>;
    }) => Promise<void>
  > = {
    async add({ args, channel, user, respond }) {
      const { schedule, scope } = parseAdd(args);
      const subscription = await store.createSubscription({
        channel,
        schedule: schedule.cron,
        timezone: schedule.timezone,
        scope: scopeToJson(scope),
        createdBy: user,
      });
      deps.onChange?.();
      await respond(digestAddedMessage(subscription, nextRuns(schedule, 3)));
    },
    async list({ channel, respond }) {
      await respond(digestListMessage(await store.listSubscriptions(channel)));
    },
    async remove({ args, channel, respond }) {
      const subscription = findSubscription(await store.listSubscriptions(channel), args, 'remove');
      await store.deleteSubscription(subscription.id);
      deps.onChange?.();
      await respond(digestRemovedMessage(subscription));
    },
    async run({ args, channel, respond }) {
      const subscription = findSubscription(await store.listSubscriptions(channel), args, 'run');
      await respond(digestRunningMessage(subscription));
      await deliver(subscription);
    },
  };

  return {
    deliver,
    riskList,
    async command({ action, args, channel, user, respond }) {
      try {
        await actions[action]({ args, channel, user, respond });
      } catch (error) {
        if (error instanceof DigestInputError) {
          await respond(errorMessage(error.message));
          return;
        }
        logger.error({ err: error, action }, 'digest command failed');
        await respond(errorMessage(`\`/rdp digest ${action}\` failed: ${describeFailure(error).message}`));
      }
    },
  };
}
