import { scenarios } from '@rdp-doctor/azure-sandbox';
import type { Store } from '../../src/store';
import { openStore } from '../../src/store/open';
import { tempDataDir } from '../store/support';
import { scenarioAzure, startHarness, type Harness, type SandboxEnvironment } from '../support/slack-harness';
import { diagnosed, finalProposal, propose, proposalIdOf, textOf } from './approvals-support';

// A replica that dies between posting a proposal and recording its message leaves a proposal whose message
// no replica knows (the crash test's kill -9 landed there under load): nothing could redraw it or say how
// the fix ended. The first Approve or Deny clicked on that message records it, so the outcome is shown
// where the people are. Here the store loses that one write instead of a process dying.

const VM = 'nsg-denies-rdp';
const FIX = 'nsg-allow-rdp-from-source';
const ALICE = 'U0ALICE';
const BOB = 'U0BOB';

let h: Harness | undefined;
let azure: SandboxEnvironment | undefined;
let store: Store | undefined;
afterEach(async () => {
  await h?.stop();
  await azure?.close();
  await store?.close();
});

/** The store, except that it drops the first proposal message it is asked to record. */
function losingFirstMessageWrite(real: Store): Store {
  let lost = false;
  return new Proxy(real, {
    get(target, property) {
      if (property === 'setProposalMessage' && !lost) {
        return (id: string) => {
          lost = true;
          return target.getProposal(id);
        };
      }
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

test('a proposal whose message was never recorded takes it from the Approve click, and shows its outcome there', async () => {
  azure = await scenarioAzure({ scenarios: scenarios.filter((s) => s.name === VM) });
  store = await openStore({ dataDir: tempDataDir() });
  h = await startHarness({ azure, store: losingFirstMessageWrite(store), env: { APPROVERS: BOB } });
  const diagnosis = await diagnosed(h, VM, 'from 203.0.113.10', ALICE);
  const proposal = await propose(h, diagnosis, FIX, ALICE, {});
  const id = proposalIdOf(proposal);
  expect((await store.getProposal(id))?.messageTs).toBeNull();

  await h.click(proposal, 'approve-fix', BOB);
  expect((await finalProposal(h, id)).state).toBe('succeeded');
  expect((await store.getProposal(id))?.messageTs).toBe(proposal.ts);
  await h.waitFor(() => textOf(proposal).includes('Done and verified'));
});

test('a click on a message of another thread is not taken as the proposal’s', async () => {
  azure = await scenarioAzure({ scenarios: scenarios.filter((s) => s.name === VM) });
  store = await openStore({ dataDir: tempDataDir() });
  h = await startHarness({ azure, store: losingFirstMessageWrite(store), env: { APPROVERS: BOB } });
  const diagnosis = await diagnosed(h, VM, 'from 203.0.113.10', ALICE);
  const proposal = await propose(h, diagnosis, FIX, ALICE, {});
  const id = proposalIdOf(proposal);

  await h.click({ ...proposal, thread_ts: '1700000000.000100' }, 'approve-fix', BOB);
  expect((await finalProposal(h, id)).state).toBe('succeeded');
  expect((await store.getProposal(id))?.messageTs).toBeNull();
});
