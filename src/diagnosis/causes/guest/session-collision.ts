import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import { runPowerShell, windowsOnly } from '../guest-probe';

const USER_SESSION_STATES = ['active', 'disc'];

export const sessionCollision: CauseRule = {
  id: 'session-collision',
  layer: 'guest',
  title: 'The allowed sessions are held by other users',
  label: 'sessions',
  guide: 'Layer four: the guest operating system state after sign-in',
  severity: 'critical',
  needs: ['guest'],
  notApplicable: windowsOnly,
  confirm: (facts) => runPowerShell(facts, 'quser'),
  clean: 'No other sessions hold the machine.',
  detect(facts) {
    const rdp = factValue(facts, 'guest').rdp;
    // Without the role census a Session Host could be mistaken for a collision: read nothing into it.
    if (!rdp?.sessions || !rdp.rdsh || rdp.rdsh.installed) return null;
    const held = rdp.sessions.filter(
      (s) => s.id !== 0 && s.user !== '' && USER_SESSION_STATES.includes(s.state.toLowerCase()),
    );
    if (held.length < 2) return null;
    // A disconnected session is the stale one to sign off; it goes first so the fix targets it.
    const ordered = [...held].sort((a, b) => Number(isDisconnected(b)) - Number(isDisconnected(a)));
    const [stale] = ordered;
    return {
      summary: `${held.length} sessions already hold this machine (${ordered.map((s) => `${s.user} in session ${s.id}, ${s.state}`).join('; ')}), so without the Session Host role a new sign-in collides with them: sign off the stale session ${stale.id} (${stale.user}).`,
      evidence: ordered.map((s) => `Session ${s.id}: ${s.user}, ${s.state}`),
      fixes: ['logoff-session'],
    };
  },
};

function isDisconnected(session: { state: string }): boolean {
  return session.state.toLowerCase() === 'disc';
}
