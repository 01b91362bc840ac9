import type { types } from '@slack/bolt';
import type { DiagnosisRequest, Layer } from '../../diagnosis/facts';
import type { Check, Finding, ProvisionalVerdict, Report, ReportVm, Verdict } from '../../diagnosis/report';

// Bolt 5 re-exports Slack's block types under its `types` namespace only.
export type KnownBlock = types.KnownBlock;

/** A message as the renderers hand it to the Web API: fallback text for notifications, and blocks. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** One diagnosis run as the channel sees it while it runs; the renderer draws whatever is known so far. */
export interface LiveDiagnosis {
  runId: string;
  /** What was typed: `prod-01`, `rg/prod-01` or a resource id. */
  target: string;
  /** Everyone who asked for this VM while the run was going (coalesced requests), Slack user ids. */
  requestedBy: string[];
  request: DiagnosisRequest;
  startedAt: string;
  vm?: ReportVm;
  /** The layers whose checks have finished. */
  layers: Partial<Record<Layer, Check[]>>;
  /**
   * The findings of the finished layers (the `layer` progress event's outcomes): with them the verdict
   * shows its evidence and fix buttons as soon as it settles, before the whole report is in.
   */
  findings?: Partial<Record<Layer, Finding[]>>;
  /** The network layer's provisional verdict, then what its checks made of it. */
  provisional?: ProvisionalVerdict;
  /** The verdict, as soon as no later evidence can move it. */
  settled?: Verdict;
  report?: Report;
  /** The run died: what happened and what to do next. */
  failure?: string;
  /** The Azure portal of the configured cloud: where an incomplete report's next steps link to. */
  portal: string;
  /** Causes of this run that an approved fix removed since (the re-check confirmed it), oldest first. */
  resolved?: Resolution[];
}

/** A cause of the report that a verified fix removed, as its message says it. */
export interface Resolution {
  cause: string;
  /** The fix's title, e.g. `Allow RDP from your address`. */
  fixTitle: string;
  /** Who approved the fix (Slack user id), when known. */
  approvedBy: string | null;
  /** When the fix was verified (ISO 8601). */
  at: string;
}
