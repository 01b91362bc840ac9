import { FAKE_BOT } from '@rdp-doctor/slack-fake';

// Who is in the local workspace: three people, so one can propose a fix and another approve it, and the
// one channel incidents are handled in.

export interface Person {
  id: string;
  /** The Slack handle, `user_name` in a slash command. */
  name: string;
  realName: string;
}

export const PEOPLE: readonly Person[] = [
  { id: 'U0ALICE', name: 'alice', realName: 'Alice' },
  { id: 'U0BOB', name: 'bob', realName: 'Bob' },
  { id: 'U0CAROL', name: 'carol', realName: 'Carol' },
];

export const CHANNEL = { id: 'C0INCIDENTS', name: 'incidents' } as const;

export function personById(id: unknown): Person | undefined {
  return PEOPLE.find((person) => person.id === id);
}

/** User id → the name a mention shows, the bot included. */
export function displayNames(): Record<string, string> {
  return {
    ...Object.fromEntries(PEOPLE.map((person) => [person.id, person.realName])),
    [FAKE_BOT.user_id]: FAKE_BOT.name,
  };
}
