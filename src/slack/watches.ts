import type { WebClient } from '@slack/web-api';
import { DigestInputError } from '../digest/errors';
import { scopeToJson } from '../digest/scope';
import type { Logger } from '../logger';
import { describeFailure } from '../pipeline/failure';
import type { Store, Watch, WatchAlert } from '../store';
import { findWatch, parseWatchAdd } from '../watch/commands';
import type { AlertDetail, WatchPoster, WatchService } from '../watch/service';
import { errorMessage } from './blocks/help';
import type { SlackMessage } from './blocks/types';
import {
  watchAddedMessage,
  watchAlertMachinesMessage,
  watchAlertMessage,
  watchListMessage,
  watchRemovedMessage,
} from './blocks/watch';

// `/rdp watch add|list|remove` and the posting of alerts: the Slack side of src/watch. Answers to the
// command are private; an alert goes to the channel, the machines it cut off in its thread.

export type WatchAction = 'add' | 'list' | 'remove';

export interface WatchCommands {
  command(args: {
    action: WatchAction;
    args: string[];
    channel: string;
    user: string;
    respond: (message: SlackMessage) => Promise<void>;
  }): Promise<void>;
}

type WatchCommandInput = Parameters<WatchCommands['command']>[0];

export interface WatchCommandsDependencies {
  store: Pick<Store, 'createWatch' | 'listWatches' | 'deleteWatch'>;
  service: Pick<WatchService, 'defaultSources' | 'resolve'>;
  logger: Logger;
  clock?: () => Date;
}

export function watchPoster(client: Pick<WebClient, 'chat'>): WatchPoster {
  return {
    async postAlert(watch: Watch, detail: AlertDetail): Promise<string> {
      const posted = await client.chat.postMessage({ channel: watch.channel, ...watchAlertMessage(detail) });
      const ts = posted.ts as string;
      await client.chat.postMessage({
        channel: watch.channel,
        thread_ts: ts,
        ...watchAlertMachinesMessage(detail),
      });
      return ts;
    },
    async updateAlert(alert: WatchAlert, detail: AlertDetail): Promise<void> {
      if (!alert.messageTs) return;
      await client.chat.update({ channel: alert.channel, ts: alert.messageTs, ...watchAlertMessage(detail) });
    },
  };
}

export function watchCommands(deps: WatchCommandsDependencies): WatchCommands {
  const { store, service, logger } = deps;
  const clock = deps.clock ?? (() => new Date());
  const actions: Record<WatchAction, (input: WatchCommandInput) => Promise<void>> = {
    async add({ args, channel, user, respond }) {
      const { scope, sources } = parseWatchAdd(args);
      service.resolve(scope);
      const from = sources ?? (await service.defaultSources(scope));
      if (from.length === 0) {
        throw new DigestInputError(
          'digest-scope',
          'No allow rule in that scope names a source for Remote Desktop: say where people connect from, e.g. `from 203.0.113.0/24`.',
        );
      }
      const watch = await store.createWatch({
        channel,
        scope: scopeToJson(scope),
        sources: from,
        createdBy: user,
        cursor: clock().toISOString(),
      });
      await respond(watchAddedMessage(watch));
    },
    async list({ channel, respond }) {
      await respond(watchListMessage(await store.listWatches(channel)));
    },
    async remove({ args, channel, respond }) {
      const watch = findWatch(await store.listWatches(channel), args);
      await store.deleteWatch(watch.id);
      await respond(watchRemovedMessage(watch));
    },
  };
  return {
    async command(input) {
      try {
        await actions[input.action](input);
      } catch (error) {
        if (error instanceof DigestInputError) {
          await input.respond(errorMessage(error.message));
          return;
        }
        logger.error({ err: error, action: input.action }, 'watch command failed');
        await input.respond(
          errorMessage(`\`/rdp watch ${input.action}\` failed: ${describeFailure(error).message}`),
        );
      }
    },
  };
}
