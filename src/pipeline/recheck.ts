import type { AzureClients } from '../azure/clients';
import type { DnsResolver } from '../azure/gatherer';
import { gatherers } from '../azure/gatherers';
import { causes } from '../diagnosis/causes';
import { evaluateRule, ruleFacts } from '../diagnosis/engine';
import type { DiagnosisRequest, Facts, FactKey, VmIdentity } from '../diagnosis/facts';
import type { CauseId } from '../diagnosis/ids';
import type { Check } from '../diagnosis/report';
import { diagnoseVm } from './diagnose';

export interface Recheck {
  /** `holds` and `gone` are what the confirming check says; `unknown` when it could not run. */
  verdict: 'holds' | 'gone' | 'unknown';
  check: Check;
  /** The freshly gathered facts (a fix re-checks its own target in them). */
  facts: Facts;
}

/**
 * Re-runs one cause's confirming check on freshly gathered facts, gathering only what its rule reads:
 * the precheck before a fix runs and the verification after.
 */
export async function recheckCause(options: {
  clients: AzureClients;
  identity: VmIdentity;
  cause: CauseId;
  request: DiagnosisRequest;
  resolveHost?: DnsResolver;
  timeouts?: Partial<Record<FactKey, number>>;
  /**
   * Verification after a fix: guest events from before this time are history the fix cannot erase (a
   * Security log keeps the 4625s of the lockout it just cleared), so the rule judges only later ones.
   */
  since?: Date;
}): Promise<Recheck> {
  const rule = causes.find((c) => c.id === options.cause);
  if (!rule) throw new Error(`unknown cause ${options.cause}`);
  const keys = new Set(ruleFacts(rule));
  let facts: Facts | undefined;
  const report = await diagnoseVm({
    ...options,
    rules: [rule],
    gatherers: gatherers.filter((g) => keys.has(g.key)),
    onProgress: (event) => {
      if (event.type === 'done') facts = event.facts;
    },
  });
  let check = report.checks[0];
  if (options.since && facts) {
    facts = withoutEventsBefore(facts, options.since);
    check = evaluateRule(facts, rule).check;
  }
  const verdict =
    check.status === 'fail' || check.status === 'warn'
      ? 'holds'
      : check.status === 'pass'
        ? 'gone'
        : 'unknown';
  return { verdict, check, facts: facts! };
}

function withoutEventsBefore(facts: Facts, since: Date): Facts {
  if (facts.guest.status !== 'ok' || !facts.guest.value.events) return facts;
  const events = facts.guest.value.events.filter((event) => Date.parse(event.time) >= since.getTime());
  return { ...facts, guest: { ...facts.guest, value: { ...facts.guest.value, events } } };
}
