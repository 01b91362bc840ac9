import type { Facts, FactKey, Layer } from './facts';
import type { CauseId, FixId } from './ids';
import type { Severity } from './report';

/** What a rule reports when its cause holds. */
export interface Detection {
  /** One sentence a person reads first: what is wrong, in the guide's words, with the real names. */
  summary: string;
  /** The facts that prove it: rule names, values, times, who changed what. */
  evidence: string[];
  fixes?: FixId[];
  /** What to do when no button can do it (patching, licensing, DNS records, firewall policy, Bastion). */
  advice?: string;
  /** Overrides the rule's severity when the same cause is only a risk in this case. */
  severity?: Severity;
}

/**
 * One cause of the field guide, as one pure rule (DESIGN.md: `{ id, layer, title, detect(facts) }`).
 * The engine runs `detect` only when every fact in `needs` was gathered; otherwise the check is
 * `error`/`skipped` with the gatherer's reason, and no cause is claimed from missing evidence.
 */
export interface CauseRule {
  id: CauseId;
  layer: Layer;
  title: string;
  /** What the check looks at, as a person names it (`NSG rules and IP flow`): how a clean check is listed. */
  label: string;
  /** The field guide section the rule comes from. */
  guide: string;
  /** Severity when it fires: only `critical` findings decide the verdict. */
  severity: Severity;
  needs: readonly FactKey[];
  /** Facts read when present (to enrich evidence) but not required. */
  uses?: readonly FactKey[];
  /**
   * Facts that can only add a warning, never a critical finding: the rule's layer reports, and the verdict
   * settles, without waiting for them; the final report and a re-check read them (a Run Command that never
   * answered says the agent is stuck, long after the platform layer reported).
   */
  later?: readonly FactKey[];
  /** Why the check does not apply to this machine or request (e.g. Linux, no source given), or null. */
  notApplicable?(facts: Facts): string | null;
  /** The `az` command that confirms the cause by hand, with this machine's names filled in. */
  confirm(facts: Facts): string;
  /** What a clean check means, shown as the check's summary when the rule does not fire. */
  clean: string;
  detect(facts: Facts): Detection | null;
}
