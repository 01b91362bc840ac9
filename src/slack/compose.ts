import type { App } from '@slack/bolt';
import { portalFor } from '../diagnosis/portal-links';
import { ProposalService } from '../approvals/proposal-service';
import { listVisibleVms } from '../azure/visible-vms';
import type { ApprovalWorkflow } from '../approvals/workflow';
import type { Config } from '../config';
import type { AzureEnvironment } from '../environment';
import type { Logger } from '../logger';
import { diagnoseVm, locateVm } from '../pipeline/diagnose';
import type { Store } from '../store';
import { ApproverDirectory } from './approvers';
import { auditTrail } from './audit';
import type { SlackContext } from './context';
import { DiagnosisRunner, type DiagnosisService } from './diagnosis-runner';
import { FixExecutor } from './fix-executor';
import { AppHome } from './home';
import { ProposalMessages } from './proposal-messages';
import { metadataKey } from './views/signed-metadata';

export interface AppDependencies {
  config: Config;
  logger: Logger;
  store: Store;
  azure: AzureEnvironment;
  /** Unique per process: lease holder and execution claims. */
  replicaId: string;
  workflow: ApprovalWorkflow;
  digests: SlackContext['digests'];
  watches: SlackContext['watches'];
  /** The app's own secret (the signing secret, else the bot token): the key modal contexts are signed with. */
  appSecret: string;
  /** How long a user group's members read from Slack are trusted; tests shorten it. */
  approverGroupTtlMs?: number;
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
        timeouts: azure.timeouts,
      }),
  };
}

/** Builds every listener's dependencies once the Bolt app (and so its Web API client) exists. */
export function slackContext(deps: AppDependencies) {
  return (app: App): SlackContext => {
    const service = diagnosisService(deps.azure);
    const fixPolicy = { nsgMaxPrefix: deps.config.NSG_MAX_PREFIX };
    const approvers = new ApproverDirectory({
      client: app.client,
      setting: deps.config.APPROVERS,
      groupTtlMs: deps.approverGroupTtlMs,
    });
    const home = new AppHome({ client: app.client, store: deps.store, logger: deps.logger, approvers });
    const proposals = new ProposalService({ store: deps.store, workflow: deps.workflow });
    const proposalMessages = new ProposalMessages({
      client: app.client,
      store: deps.store,
      proposals,
      logger: deps.logger,
      approverSetting: deps.config.APPROVERS,
      onChange: (proposal) => home.proposalChanged(proposal),
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
        portal: portalFor(deps.config.AZURE_RESOURCE_MANAGER_ENDPOINT),
      }),
      visibleVms: () => listVisibleVms(deps.azure.clients, deps.azure.clients.settings.subscriptionIds),
      home,
      snapshots: {
        get: (runId) => deps.store.getSnapshot(runId),
        proposalsFor: (vmId) => deps.store.listProposals(vmId),
      },
      approvers,
      workflow: deps.workflow,
      fixPolicy,
      proposals,
      proposalMessages,
      metadataKey: metadataKey(deps.appSecret),
      executor: new FixExecutor({
        client: app.client,
        store: deps.store,
        workflow: deps.workflow,
        azure: deps.azure,
        logger: deps.logger,
        replicaId: deps.replicaId,
        policy: fixPolicy,
        messages: proposalMessages,
        resolved: { store: deps.store, portal: portalFor(deps.config.AZURE_RESOURCE_MANAGER_ENDPOINT) },
      }),
      audit: auditTrail(deps.store, service),
      digests: deps.digests,
      watches: deps.watches,
    };
  };
}
