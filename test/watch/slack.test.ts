import { HEALTHY_VM, sandboxAdmin, scenarios } from '@rdp-doctor/azure-sandbox';
import { startFakeSlack, validateMessageBlocks, type FakeSlack } from '@rdp-doctor/slack-fake';
import { createLogger } from '../../src/logger';
import { helpMessage } from '../../src/slack/blocks/help';
import type { SlackMessage } from '../../src/slack/blocks/types';
import { parseRdpCommand } from '../../src/slack/commands/parse-rdp';
import { watchCommands, watchPoster, type WatchAction, type WatchCommands } from '../../src/slack/watches';
import { openStore, type Store } from '../../src/store';
import type { WatchService } from '../../src/watch/service';
import { startFleetHarness, type FleetHarness } from '../digest/harness';
import { clientFor } from '../slack/fake/client';
import { findButton } from '../support/slack-harness';
import { tempDataDir } from '../store/support';
import { denyRdpRule, nicNsgOf, watchService } from './support';

// `/rdp watch …` and the alert as Slack shows it: the fake Slack refuses whatever real Slack would.

const CHANNEL = 'C0WATCH02';

let h: FleetHarness;
let fake: FakeSlack;
let store: Store;
let service: WatchService;
let commands: WatchCommands;

beforeAll(async () => {
  h = await startFleetHarness({ scenarios: scenarios.filter((s) => s.name === HEALTHY_VM) });
  fake = await startFakeSlack();
  store = await openStore({ dataDir: tempDataDir() });
  service = watchService(h, { store, poster: watchPoster(clientFor(fake)) });
  commands = watchCommands({ store, service, logger: createLogger('silent') });
});

afterAll(async () => {
  await store.close();
  await fake.stop();
  await h.sandbox.stop();
});

async function run(text: string): Promise<string> {
  const parsed = parseRdpCommand(text);
  if (parsed.kind !== 'watch') throw new Error(`not a watch command: ${JSON.stringify(parsed)}`);
  const answers: SlackMessage[] = [];
  await commands.command({
    action: parsed.action as WatchAction,
    args: parsed.args,
    channel: CHANNEL,
    user: 'U0ALICE',
    respond: async (message) => void answers.push(message),
  });
  return answers.map((answer) => `${answer.text}\n${JSON.stringify(answer.blocks)}`).join('\n');
}

test('bad watch input is answered with what to type', async () => {
  expect(parseRdpCommand('watch start')).toEqual({
    kind: 'invalid',
    message: 'Usage: `/rdp watch add <scope> [from <ip or cidr>]`, `list` or `remove <id>`.',
  });
  expect(await run('watch add')).toMatch(/A watch needs a scope/);
  expect(await run('watch add rg:rg-web from 300.1.2.3')).toMatch(
    /"300.1.2.3" is not an IP address or CIDR range/,
  );
  expect(await run('watch add rg:rg-web sometimes')).toMatch(/I did not understand "sometimes"/);
  expect(await run('watch remove 12')).toMatch(/No watch `12` in this channel/);
});

test('add, list and remove a watch; a deny rule posts an alert with Diagnose buttons, recovered when removed', async () => {
  const added = await run(`watch add subscription:${h.sandbox.subscriptionId} from 203.0.113.10`);
  expect(added).toMatch(/^Watch `[0-9a-f]{8}` added: subscription .* from 203\.0\.113\.10\.\n/);
  const [watch] = await store.listWatches(CHANNEL);
  expect(await run('watch list')).toContain(watch.id.slice(0, 8));
  await service.tick();

  const nsgId = nicNsgOf(h.sandbox, HEALTHY_VM);
  await sandboxAdmin(h.sandbox).putSecurityRule({
    caller: 'alice@contoso.com',
    nsgId,
    name: 'Deny-RDP-Hardening',
    rule: denyRdpRule(100),
  });
  await service.tick();
  const posted = fake.messages.filter((m) => m.channel === CHANNEL && !m.ephemeral);
  const main = posted.find((m) => m.thread_ts === undefined)!;
  expect(main.text).toMatch(
    /^rule Deny-RDP-Hardening in NSG .* written by alice@contoso\.com at .* cuts 1 VM off Remote Desktop\.$/,
  );
  expect(JSON.stringify(main.blocks)).toContain(`"action_id":"watch-diagnose:${HEALTHY_VM}"`);
  // The fix the diagnosis would offer, for the source the change cut off.
  const fixButton = findButton(main, 'watch-fix:nsg-allow-rdp-from-source:0');
  expect(fixButton?.value && JSON.parse(fixButton.value)).toEqual({
    vm: expect.stringMatching(new RegExp(`/virtualMachines/${HEALTHY_VM}$`)),
    source: '203.0.113.10',
  });
  expect(JSON.stringify(main.blocks)).toContain("Network Watcher's IP flow verify confirms the NSG verdict.");
  const thread = posted.filter((m) => m.thread_ts === main.ts);
  const nsgName = nicNsgOf(h.sandbox, HEALTHY_VM).split('/').pop();
  expect(thread.map((m) => m.text).join('\n')).toBe('1 VM cut off');
  expect(JSON.stringify(thread[0].blocks)).toContain(
    `• ${HEALTHY_VM} (rg-sandbox): rule Deny-RDP-Hardening in NSG ${nsgName} denies the port`,
  );

  await sandboxAdmin(h.sandbox).deleteSecurityRule({
    caller: 'bob@contoso.com',
    nsgId,
    name: 'Deny-RDP-Hardening',
  });
  await service.tick();
  const redrawn = fake.messages.find((m) => m.ts === main.ts)!;
  expect(redrawn.text).toMatch(
    /^Recovered: the 1 VM that rule Deny-RDP-Hardening .* cut off reach Remote Desktop again\.$/,
  );
  expect(JSON.stringify(redrawn.blocks)).toContain('deleted by bob@contoso.com');

  expect(await run(`watch remove ${watch.id.slice(0, 8)}`)).toMatch(/removed/);
  expect(await store.listWatches(CHANNEL)).toEqual([]);
});

test('`/rdp help` lists the watch commands beside the digest', () => {
  expect(parseRdpCommand('help')).toEqual({ kind: 'help' });
  const help = helpMessage();
  expect(validateMessageBlocks(help.blocks)).toEqual([]);
  const text = JSON.stringify(help.blocks);
  for (const usage of [
    '`/rdp watch add &lt;scope&gt; [from &lt;ip or cidr&gt;]`',
    '`/rdp watch list`',
    '`/rdp watch remove &lt;id&gt;`',
  ])
    expect(text).toContain(usage);
});
