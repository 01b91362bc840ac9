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
    const stoppedSince = context.previous?.wasRunning(machine.id) ? context.previous.at : null;
    if (!tag && !stoppedSince) return null;
    const evidence = [`power state: ${machine.powerState}`];
    if (tag) evidence.push(`tagged ${tag}`);
    if (stoppedSince) evidence.push(`it was running at the previous digest (${stoppedSince})`);
    return { evidence, fix: 'start-vm' };
  },
};
