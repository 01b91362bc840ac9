import type { CauseId, FixId } from './ids';
import type { Layer, Symptom } from './facts';

// The diagnosis report (DESIGN.md contract, `rdp-doctor diagnose --json`). The CLI prints it, the Slack
// renderer draws it, the digest summarises it: it is the neutral model.

export type Severity = 'critical' | 'warning' | 'info';
export type CheckStatus = 'pass' | 'fail' | 'warn' | 'error' | 'skipped';
export type VerdictLayer = Layer | 'none';

export interface Check {
  /** The cause id the check looks for. */
  id: CauseId;
  /** The cause in words (`The VM is not running`), and what the check looks at (`power state`). */
  title: string;
  label: string;
  layer: Layer;
  status: CheckStatus;
  summary: string;
  evidence: string;
  /** The command a person runs to confirm by hand. */
  confirm: string;
  durationMs: number;
}

/** A page of the Azure portal where a person checks or fixes the finding by hand. */
export interface PortalLink {
  label: string;
  url: string;
}

export interface Finding {
  cause: CauseId;
  layer: Layer;
  severity: Severity;
  summary: string;
  evidence: string[];
  fixes: FixId[];
  advice: string;
  /** Where to check or fix it by hand; the pipeline fills them, as only it knows which cloud this is. */
  links: PortalLink[];
}

export interface Verdict {
  layer: VerdictLayer;
  /** Cause ids of the deciding layer, most certain first. */
  causes: CauseId[];
  summary: string;
}

export interface ReportVm {
  id: string;
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  location: string;
  osType: 'Windows' | 'Linux';
  powerState: string;
}

/**
 * How far the diagnosis got into a layer. A layer after the failing one was never reached by a session,
 * and one whose checks could not run was not seen: neither is `clean`, and `reason` says why.
 */
export type LayerStatus = 'failing' | 'clean' | 'incomplete' | 'not-checked' | 'not-applicable';

export interface LayerState {
  layer: Layer;
  status: LayerStatus;
  reason: string | null;
}

/**
 * The network layer's verdict as shown before its checks finished: the NSG rules as written, read with
 * plain GETs and evaluated here. Effective rules and IP flow verify then confirm or correct it; the
 * verdict itself never comes from it.
 */
export interface ProvisionalVerdict {
  layer: 'network';
  /** Whether the NSG rules as written let the source through to the dialed port. */
  access: 'Allow' | 'Deny';
  /** The deny's rule as IP flow verify names it (`DenyRdp`, `DenyAllInBound`); null when the NSGs allow. */
  rule: string | null;
  summary: string;
  /** A service tag decided, and its local expansion is approximate. */
  approximate: boolean;
  /** When it was shown, in milliseconds after the diagnosis started. */
  elapsedMs: number;
  /** What effective rules and IP flow verify made of it, once they answered (or could not). */
  outcome?: 'confirmed' | 'corrected' | 'unconfirmed';
  /** `confirmed by IP flow verify`, `corrected: IP flow verify allows TCP 3389 from 203.0.113.10`. */
  note?: string;
}

export interface Report {
  schemaVersion: 1;
  vm: ReportVm;
  symptom: Symptom;
  source: string | null;
  startedAt: string;
  finishedAt: string;
  verdict: Verdict;
  /** One entry per layer along the path, in order. */
  layers: LayerState[];
  checks: Check[];
  findings: Finding[];
  /** Present when a provisional network verdict was shown during the run, with what became of it. */
  provisional?: ProvisionalVerdict;
}
