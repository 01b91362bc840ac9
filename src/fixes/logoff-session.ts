import type { Facts } from '../diagnosis/facts';
import type { GuestFacts } from '../diagnosis/guest-facts';
import { FixRefusal, type FixDefinition } from './fix';
import { runGuestFix } from './guest-script';
import { numberParam, textParam } from './params';
import { guestOf, reachableGuest } from './target';
import { ACCOUNT_NAME, accountName, positiveInteger } from './validate';

// Signs off the stale session that holds the machine (session-collision). The session id may have been
// reused by the time of approval, so the user behind it is checked again before and inside Windows.

type Session = NonNullable<NonNullable<GuestFacts['rdp']>['sessions']>[number];

const MAX_SESSION_ID = 65535;
const USER_SESSION_STATES = ['active', 'disc'];

function sessionsOf(facts: Facts): Session[] | null {
  return facts.guest.status === 'ok' ? (facts.guest.value.rdp?.sessions ?? null) : null;
}

/** The session to sign off: a disconnected one first, as the session-collision finding names it. */
export function staleSession(sessions: readonly Session[]): Session | null {
  const held = sessions.filter(
    (s) => s.id !== 0 && s.user !== '' && USER_SESSION_STATES.includes(s.state.toLowerCase()),
  );
  return held.find((s) => s.state.toLowerCase() === 'disc') ?? held[0] ?? null;
}

function listSessions(sessions: readonly Session[]): string {
  return sessions.map((s) => `${s.id} ${s.user || '(no user)'} ${s.state}`).join('; ') || 'none';
}

export const logoffSession: FixDefinition = {
  id: 'logoff-session',
  title: 'Sign off the stale session',
  causes: ['session-collision'],
  inputs({ facts }) {
    const stale = staleSession(sessionsOf(facts) ?? []);
    return [
      {
        name: 'sessionId',
        label: 'Session id',
        hint: 'The session to sign off (quser lists them); whatever is open in it is lost.',
        ...(stale ? { initial: String(stale.id) } : {}),
      },
    ];
  },
  plan({ facts, input }) {
    const vm = reachableGuest(facts);
    const sessions = guestOf(facts).rdp?.sessions;
    if (!sessions)
      throw new FixRefusal(
        `The sessions on ${vm.name} could not be read during the diagnosis: diagnose again.`,
      );
    const id = positiveInteger(input.sessionId, 'a session id', MAX_SESSION_ID);
    const session = sessions.find((s) => s.id === id);
    if (!session || session.user === '') {
      throw new FixRefusal(
        `There is no signed-in session ${id} on ${vm.name} (sessions: ${listSessions(sessions)}).`,
      );
    }
    if (!ACCOUNT_NAME.test(session.user)) {
      throw new FixRefusal(
        `The user name of session ${id}, "${session.user}", has characters rdp-doctor does not pass to Windows: ` +
          `sign it off by hand with logoff ${id} through Run Command.`,
      );
    }
    return {
      params: { sessionId: id, user: session.user },
      description: `Sign off ${session.user}'s session ${id} (${session.state}) on ${vm.name}, through Run Command; whatever is open in it is lost.`,
    };
  },
  stillApplies(facts, params) {
    const sessions = sessionsOf(facts);
    if (sessions === null) return null;
    const id = Number(params.sessionId);
    const user = String(params.user);
    const session = sessions.find((s) => s.id === id);
    if (!session || session.user === '') return `Session ${id} is gone.`;
    if (session.user.toLowerCase() !== user.toLowerCase())
      return `Session ${id} now belongs to ${session.user}, not ${user}.`;
    return null;
  },
  execute: async (ctx) =>
    runGuestFix(ctx, 'logoff-session', {
      SessionId: String(
        positiveInteger(numberParam(ctx.params, 'sessionId'), 'a session id', MAX_SESSION_ID),
      ),
      ExpectedUser: accountName(textParam(ctx.params, 'user')),
    }),
};
