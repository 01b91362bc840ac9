import { isStopped } from '../machine';
import type { RiskRule } from '../risk';

/** Tags that say a machine must stay up: `always-on=true`, `AlwaysOn=yes`. */
function alwaysOnTag(tags: Readonly<Record<string, string>>): string | null {
  const key = Object.keys(tags).find((name) => /^always-?on$/i.test(name));
  return key !== undefined && /^(true|yes|1)$/i.test(tags[key].trim()) ? `${key}=${tags[key]}` : null;
}

export const stoppedUnexpectedly: RiskRule = {
  id: 'stopped-unexpectedly',
  title: 'Stopped, though it should be running',
  guide: 'Related failures this is often confused with',
  severity: 'critical',
  detect(machine, context) {
    if (!isStopped(machine)) return null;
    const tag = alwaysOnTag(machine.tags);
    const previous = context.previous;
    const stoppedSince = previous?.wasRunning(machine.id) ? previous.at : null;
    // Found stopped unexpectedly before and still stopped: the risk stands until someone starts it.
    const stillStopped = previous?.found('stopped-unexpectedly', machine.id) ?? false;
    if (!tag && !stoppedSince && !stillStopped) return null;
    const evidence = [`power state: ${machine.powerState}`];
    if (tag) evidence.push(`tagged ${tag}`);
    if (stoppedSince) evidence.push(`it was running at the previous digest (${stoppedSince})`);
    else if (stillStopped)
      evidence.push(`still stopped since an earlier digest found it stopped unexpectedly`);
    return { evidence, fix: 'start-vm' };
  },
};
