import type { WebClient } from '@slack/web-api';
import { fixTitleOf } from '../approvals/proposal-service';
import type { Logger } from '../logger';
import type { Proposal, Snapshot, Store } from '../store';
import { diagnosisMessage } from './blocks/diagnosis';
import type { LiveDiagnosis, Resolution } from './blocks/types';

// The original report follows the incident: once a fix is verified, the diagnosis message it came from
// says which cause it resolved, who approved it and when, drops that cause's fix buttons and offers a re-run.

/** The causes of the diagnosis at `messageTs` that a verified fix of its thread removed, oldest first. */
export function resolutionsOf(
  proposals: readonly Proposal[],
  diagnosis: { channel: string; messageTs: string },
): Resolution[] {
  return proposals
    .filter(
      (p) => p.state === 'succeeded' && p.channel === diagnosis.channel && p.threadTs === diagnosis.messageTs,
    )
    .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt))
    .map((p) => ({ cause: p.cause, fixTitle: fixTitleOf(p), approvedBy: p.decidedBy, at: p.updatedAt }));
}

/** A finished run's message as it stood, with what has been resolved since. */
export function resolvedDiagnosis(snapshot: Snapshot, portal: string, resolved: Resolution[]): LiveDiagnosis {
  const { report } = snapshot;
  return {
    runId: snapshot.runId,
    target: report.vm.name,
    requestedBy: snapshot.requestedBy,
    request: snapshot.facts?.request ?? { symptom: report.symptom, source: report.source, host: null },
    startedAt: report.startedAt,
    vm: report.vm,
    layers: {},
    report,
    portal,
    resolved,
  };
}

export interface ResolvedDiagnosisDependencies {
  client: WebClient;
  store: Pick<Store, 'findSnapshotByMessage' | 'listProposals'>;
  portal: string;
  logger: Logger;
}

/**
 * Redraws the diagnosis a verified proposal came from. An unfinished run is left alone: it draws its own
 * final message. A failure only costs the redraw, never the fix's own result message.
 */
export async function redrawResolvedDiagnosis(
  deps: ResolvedDiagnosisDependencies,
  proposal: Proposal,
): Promise<void> {
  const { channel, threadTs } = proposal;
  if (proposal.state !== 'succeeded' || !channel || !threadTs) return;
  try {
    const snapshot = await deps.store.findSnapshotByMessage(channel, threadTs);
    if (!snapshot?.complete) return;
    const resolved = resolutionsOf(await deps.store.listProposals(snapshot.vmId), {
      channel,
      messageTs: threadTs,
    });
    await deps.client.chat.update({
      channel,
      ts: threadTs,
      ...diagnosisMessage(resolvedDiagnosis(snapshot, deps.portal, resolved)),
    });
  } catch (error) {
    deps.logger.warn({ err: error, proposalId: proposal.id }, 'redrawing the resolved diagnosis failed');
  }
}
