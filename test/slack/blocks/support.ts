import type { types } from '@slack/bolt';
import { causes } from '../../../src/diagnosis/causes';
import type { Layer } from '../../../src/diagnosis/facts';
import { layerStates } from '../../../src/diagnosis/layers';
import type { CauseId, FixId } from '../../../src/diagnosis/ids';
import type { Check, CheckStatus, Finding, Report, Verdict } from '../../../src/diagnosis/report';
import { contentLength, MESSAGE_CONTENT_BUDGET } from '../../../src/slack/blocks/build';
import type { KnownBlock, SlackMessage } from '../../../src/slack/blocks/types';
import { BLOCK_KIT_LIMITS, validateMessageBlocks } from '@rdp-doctor/slack-fake';

// Reports built by hand, the way the engine shapes them, and what a person sees of a rendered message.

export const RUN_ID = '6f1c2b1e-4d7a-4c55-9a43-0d1f2e3c4b5a';
export const VM_ID =
  '/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-prod/providers/Microsoft.Compute/virtualMachines/vm-web-01';

export const CAUSE_LAYERS: Record<CauseId, Layer> = {
  'vm-not-running': 'platform',
  'guest-not-booted': 'platform',
  'vm-agent-unhealthy': 'platform',
  'boot-diagnostics-disabled': 'platform',
  'os-not-windows': 'platform',
  'nsg-denies-rdp': 'network',
  'public-ip-missing': 'network',
  'public-ip-dynamic': 'network',
  'dns-stale': 'network',
  'route-via-appliance': 'network',
  'return-path-asymmetric': 'network',
  'jit-access-not-requested': 'network',
  'rdp-exposed-to-internet': 'network',
  'termservice-not-running': 'service',
  'rdp-not-listening': 'service',
  'guest-firewall-blocks-rdp': 'service',
  'rdp-connections-disabled': 'service',
  'rdp-port-nonstandard': 'service',
  'rdsh-licensing-expired': 'service',
  'listener-certificate-invalid': 'service',
  'credssp-mismatch': 'auth',
  'domain-unreachable': 'auth',
  'account-locked-out': 'auth',
  'account-disabled': 'auth',
  'password-expired': 'auth',
  'password-rejected': 'auth',
  'logon-right-missing': 'auth',
  'brute-force-pressure': 'auth',
  'disk-full': 'guest',
  'memory-exhausted': 'guest',
  'cpu-saturated': 'guest',
  'disk-throughput-saturated': 'guest',
  'update-in-progress': 'guest',
  'session-collision': 'guest',
  'temporary-profile': 'guest',
  'profile-load-failed': 'guest',
  'session-ends-immediately': 'guest',
  'shell-crash': 'guest',
};

export const ALL_CAUSES = Object.keys(CAUSE_LAYERS) as CauseId[];

export function confirmFor(id: CauseId): string {
  return `az vm run-command invoke -g rg-prod -n vm-web-01 --command-id RunPowerShellScript --scripts "Test-${id}"`;
}

export function check(id: CauseId, status: CheckStatus = 'pass', over: Partial<Check> = {}): Check {
  const rule = causes.find((r) => r.id === id)!;
  return {
    id,
    title: rule.title,
    label: rule.label,
    layer: CAUSE_LAYERS[id],
    status,
    summary: status === 'pass' ? `No sign of ${id}.` : `Could not check: ${id}`,
    evidence: '',
    confirm: confirmFor(id),
    durationMs: 800,
    ...over,
  };
}

/** A finding and the check it turns into, as the engine pairs them. */
export function fired(
  id: CauseId,
  finding: {
    summary: string;
    evidence: string[];
    fixes?: FixId[];
    advice?: string;
    severity?: 'critical' | 'warning';
  },
): { check: Check; finding: Finding } {
  const severity = finding.severity ?? 'critical';
  return {
    check: check(id, severity === 'critical' ? 'fail' : 'warn', {
      summary: finding.summary,
      evidence: finding.evidence.join('; '),
    }),
    finding: {
      cause: id,
      layer: CAUSE_LAYERS[id],
      severity,
      summary: finding.summary,
      evidence: finding.evidence,
      fixes: finding.fixes ?? [],
      advice: finding.advice ?? '',
      links: [],
    },
  };
}

/** A report where every cause not listed in `outcomes` passed. */
export function report(
  verdict: Verdict,
  outcomes: { check: Check; finding?: Finding }[] = [],
  over: Partial<Report> = {},
): Report {
  const byId = new Map(outcomes.map((o) => [o.check.id, o]));
  const checks = ALL_CAUSES.map((id) => byId.get(id)?.check ?? check(id));
  return {
    schemaVersion: 1,
    vm: {
      id: VM_ID,
      name: 'vm-web-01',
      resourceGroup: 'rg-prod',
      subscriptionId: '00000000-0000-0000-0000-000000000001',
      location: 'westeurope',
      osType: 'Windows',
      powerState: 'running',
    },
    symptom: 'unknown',
    source: '203.0.113.10',
    startedAt: '2026-11-27T12:00:00.000Z',
    finishedAt: '2026-11-27T12:00:41.200Z',
    verdict,
    layers: layerStates(checks, verdict),
    checks,
    findings: ALL_CAUSES.flatMap((id) => {
      const finding = byId.get(id)?.finding;
      return finding ? [finding] : [];
    }),
    ...over,
  };
}

export function sectionTexts(blocks: readonly KnownBlock[]): string[] {
  return blocks.flatMap((block) => (block.type === 'section' && block.text ? [block.text.text] : []));
}

export function contextTexts(blocks: readonly KnownBlock[]): string[] {
  return blocks.flatMap((block) =>
    block.type === 'context'
      ? block.elements.flatMap((e) => ('text' in e && typeof e.text === 'string' ? [e.text] : []))
      : [],
  );
}

/** Every button, in actions blocks and as section accessories. */
export function buttons(message: SlackMessage): types.Button[] {
  return message.blocks.flatMap((block) => {
    if (block.type === 'actions') return block.elements.filter((e): e is types.Button => e.type === 'button');
    if (block.type === 'section' && block.accessory?.type === 'button') return [block.accessory];
    return [];
  });
}

/** All the text a person reads: header, sections, contexts, buttons. */
export function seen(message: SlackMessage): string {
  return [
    ...message.blocks.flatMap((b) => (b.type === 'header' ? [b.text.text] : [])),
    ...sectionTexts(message.blocks),
    ...contextTexts(message.blocks),
    ...buttons(message).map((b) => b.text.text),
  ].join('\n');
}

/** What Slack would refuse: Block Kit limits, the fallback text, and the total size of the blocks. */
export function expectSlackAccepts(message: SlackMessage): void {
  expect(validateMessageBlocks(message.blocks)).toEqual([]);
  expect(message.text.length).toBeGreaterThan(0);
  expect(message.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.messageText);
  expect(contentLength(message.blocks)).toBeLessThanOrEqual(MESSAGE_CONTENT_BUDGET);
}
