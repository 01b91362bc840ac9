import { isFinal } from '../../src/approvals/states';
import type { FakeMessage, FakeView } from '@rdp-doctor/slack-fake';
import { findButton, type Harness, type SlackSide } from '../support/slack-harness';
import type { Proposal } from '../../src/store';

// The steps of a fix's life as people take them in Slack: diagnose, click a fix, fill its modal, approve
// or deny, each as the signed request Slack would send, and what the fake Slack then holds.

/** Runs `/rdp <vm> <options>` as `user` and resolves with the run's message once its details reached the thread. */
export async function diagnosed(
  h: SlackSide,
  vm: string,
  options: string,
  user: string,
  timeoutMs = 30_000,
): Promise<FakeMessage> {
  const seen = new Set(h.fake.messages.map((m) => m.ts));
  const response = await h.command(`${vm} ${options}`.trim(), { user });
  expect(response.status).toBe(200);
  return h.waitFor(() => {
    const message = h.channelMessages().find((m) => !seen.has(m.ts) && m.text.startsWith(`${vm}:`));
    const detailed =
      message &&
      h.fake.messages.some(
        (m) => m.thread_ts === message.ts && !m.ephemeral && !findButton(m, 'approve-fix'),
      );
    return detailed ? message : undefined;
  }, timeoutMs);
}

export function ephemeralsFor(h: SlackSide, user: string): FakeMessage[] {
  return h.fake.messages.filter((m) => m.ephemeral && m.user === user);
}

export function textOf(message: FakeMessage): string {
  return `${message.text}\n${JSON.stringify(message.blocks ?? [])}`;
}

/** The private answer `user` gets after `act`: the first ephemeral message that arrives. */
export async function privateAnswer(
  h: SlackSide,
  user: string,
  act: () => Promise<unknown>,
): Promise<string> {
  const before = ephemeralsFor(h, user).length;
  await act();
  const answer = await h.waitFor(() => ephemeralsFor(h, user)[before]);
  return textOf(answer);
}

/** The modal `act` opens, once Slack has it. */
export async function openedModal(
  h: SlackSide,
  callbackId: string,
  act: () => Promise<unknown>,
): Promise<FakeView> {
  const before = h.fake.views.length;
  await act();
  return h.waitFor(() => h.fake.views.slice(before).find((v) => v.view.callback_id === callbackId));
}

/** The proposal messages posted in a diagnosis thread, oldest first. */
export function proposalsIn(h: SlackSide, diagnosis: FakeMessage): FakeMessage[] {
  return h.fake.messages.filter(
    (m) => m.thread_ts === diagnosis.ts && !m.ephemeral && m.text.includes(', proposed by '),
  );
}

/**
 * `user` clicks the fix button under the diagnosis and, when the fix asks for inputs, submits its modal with
 * `values` (by block id; unset ones keep what the modal pre-filled). Resolves with the new proposal message.
 */
export async function propose(
  h: SlackSide,
  diagnosis: FakeMessage,
  fixId: string,
  user: string,
  values?: Record<string, string>,
): Promise<FakeMessage> {
  const before = proposalsIn(h, diagnosis).length;
  if (values) {
    const modal = await openedModal(h, 'fix-params', () => h.click(diagnosis, `fix:${fixId}`, user));
    const response = await h.submit(modal, user, { ...prefilled(modal), ...values });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('');
  } else {
    await h.click(diagnosis, `fix:${fixId}`, user);
  }
  return h.waitFor(() => proposalsIn(h, diagnosis)[before]);
}

/** What the modal's inputs hold before anyone types, by block id. */
export function prefilled(modal: FakeView): Record<string, string> {
  const blocks = (modal.view.blocks ?? []) as {
    type: string;
    block_id?: string;
    element?: { initial_value?: string };
  }[];
  return Object.fromEntries(
    blocks
      .filter((b) => b.type === 'input' && b.block_id)
      .map((b) => [b.block_id!, b.element?.initial_value ?? '']),
  );
}

export function proposalIdOf(message: FakeMessage): string {
  const value = findButton(message, 'approve-fix')?.value;
  if (!value) throw new Error(`message ${message.ts} is not a proposal waiting for approval`);
  return value;
}

/** The proposal once it reached a final state and this replica finished posting about it. */
export async function finalProposal(h: Harness, id: string, timeoutMs = 30_000): Promise<Proposal> {
  let proposal: Proposal | null = null;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    proposal = await h.app.store.getProposal(id);
    if (proposal && isFinal(proposal.state)) break;
    if (Date.now() > deadline) throw new Error(`proposal ${id} is still ${proposal?.state}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await h.app.executor.idle();
  return proposal;
}

/** Requests the sandbox took as attempts to change the world. */
export function armWrites(h: Harness): number {
  return h.azure.sandbox!.writes().length;
}

/**
 * Polls `probe` until it yields a value: for conditions only an async read can see (the store, a process).
 * `what` names the condition in the error when `timeoutMs` passes first.
 */
export async function eventually<T>(
  probe: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Lets in-flight handlers finish their Slack calls before a test checks that nothing happened. */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
