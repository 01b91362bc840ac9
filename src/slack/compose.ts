import type { App } from '@slack/bolt';
import { listVisibleVms } from '../azure/visible-vms';
import type { ApprovalWorkflow } from '../approvals/workflow';
import type { Config } from '../config';
import type { AzureEnvironment } from '../environment';
import type { Logger } from '../logger';
import { diagnoseVm, locateVm } from '../pipeline/diagnose';
import type { Store } from '../store';
import { auditTrail } from './audit';
import type { SlackContext } from './context';
import { DiagnosisRunner, type DiagnosisService } from './diagnosis-runner';
import { AppHome } from './home';
import { FixProposals } from './proposals';

export interface AppDependencies {
  config: Config;
  logger: Logger;
  store: Store;
  azure: AzureEnvironment;
  /** Unique per process: lease holder and execution claims. */
  replicaId: string;
  workflow: ApprovalWorkflow;
  digests: SlackContext['digests'];
}

/** The engine bound to this process's Azure: what the Slack app calls to diagnose. */
export function diagnosisService(azure: AzureEnvironment): DiagnosisService {
  return {
    locate: (target) => locateVm(azure.clients, target),
    diagnose: (identity, request, on) =>
      diagnoseVm({
        clients: azure.clients,
        identity,
        request,
        onProgress: on.progress,
        onAttachment: on.attachment,
        resolveHost: azure.resolveHost,
      }),
  };
}

/** Builds every listener's dependencies once the Bolt app (and so its Web API client) exists. */
export function slackContext(deps: AppDependencies) {
  return (app: App): SlackContext => {
    const service = diagnosisService(deps.azure);
    const fixPolicy = { nsgMaxPrefix: deps.config.NSG_MAX_PREFIX };
    const home = new AppHome({
      client: app.client,
      store: deps.store,
      logger: deps.logger,
      approverSetting: deps.config.APPROVERS,
    });
    return {
      config: deps.config,
      logger: deps.logger,
      service,
      runner: new DiagnosisRunner({
        client: app.client,
        service,
        store: deps.store,
        logger: deps.logger,
        replicaId: deps.replicaId,
      }),
      visibleVms: () => listVisibleVms(deps.azure.clients, deps.azure.clients.settings.subscriptionIds),
      home,
      snapshots: { get: (runId) => deps.store.getSnapshot(runId) },
      workflow: deps.workflow,
      fixPolicy,
      proposals: new FixProposals({
        client: app.client,
        store: deps.store,
        workflow: deps.workflow,
        azure: deps.azure,
        logger: deps.logger,
        replicaId: deps.replicaId,
        policy: fixPolicy,
        approverSetting: deps.config.APPROVERS,
        onChange: (proposal) => home.proposalChanged(proposal),
      }),
      audit: auditTrail(deps.store, service),
      digests: deps.digests,
    };
  };
}
