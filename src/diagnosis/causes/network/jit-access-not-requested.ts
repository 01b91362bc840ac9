import type { CauseRule } from '../../cause';
import { factValue, optionalFact, type JitFacts } from '../../facts';
import { dialedPort, rangeContains, resourceGroupOf } from '../../net';

type RequestPort = {
  request: JitFacts['requests'][number];
  port: JitFacts['requests'][number]['ports'][number];
};

/** Why a request for the port does not open it for this source now, or null when it does. */
function whyInactive({ port }: RequestPort, now: number, source: string | null): string | null {
  if (port.status.toLowerCase() !== 'initiated') return `is ${port.status}`;
  if (Date.parse(port.endTimeUtc) <= now) return `expired at ${port.endTimeUtc}`;
  if (source !== null && !port.allowedSourceAddressPrefixes.some((prefix) => rangeContains(prefix, source))) {
    return `does not cover ${source}`;
  }
  return null;
}

export const jitAccessNotRequested: CauseRule = {
  id: 'jit-access-not-requested',
  layer: 'network',
  title: 'Just-In-Time access holds the port shut',
  label: 'JIT policy',
  guide: 'Layer one: the network path to port 3389',
  severity: 'critical',
  needs: ['jit'],
  uses: ['vm'],
  confirm(facts) {
    const vm = optionalFact(facts, 'vm');
    const policy = optionalFact(facts, 'jit')?.policy;
    const resourceGroup = (policy && resourceGroupOf(policy.id)) ?? vm?.resourceGroup ?? '<resource-group>';
    if (policy && vm) {
      return `az security jit-policy show --resource-group ${resourceGroup} --location ${vm.location} --name ${policy.name}`;
    }
    return `az security jit-policy list --resource-group ${resourceGroup} --output table`;
  },
  clean: 'No Just-In-Time policy holds the port shut, or an active request covers the source.',
  detect(facts) {
    const { policy, requests } = factValue(facts, 'jit');
    const vm = optionalFact(facts, 'vm');
    const port = dialedPort(vm?.osType);
    const covered = policy?.ports.find((entry) => entry.number === port);
    if (!policy || !covered) return null;
    const now = Date.parse(facts.now);
    const source = facts.request.source;
    const forPort = requests
      .flatMap((request) =>
        request.ports.filter((entry) => entry.number === port).map((entry) => ({ request, port: entry })),
      )
      .sort((a, b) => Date.parse(b.request.startTimeUtc) - Date.parse(a.request.startTimeUtc));
    if (forPort.some((entry) => whyInactive(entry, now, source) === null)) return null;

    const evidence = [
      `JIT policy ${policy.name} covers TCP ${port}: requests from ${covered.allowedSourceAddressPrefixes.join(', ') || 'any source'}, ` +
        `at most ${covered.maxRequestAccessDuration}`,
    ];
    if (forPort.length === 0) evidence.push(`no JIT request for port ${port}`);
    for (const entry of forPort.slice(0, 3)) {
      evidence.push(
        `request by ${entry.request.requestor ?? 'an unknown requestor'} at ${entry.request.startTimeUtc} ` +
          `from ${entry.port.allowedSourceAddressPrefixes.join(', ')} ${whyInactive(entry, now, source)}`,
      );
    }
    return {
      summary: `JIT policy ${policy.name} holds TCP ${port} on ${vm?.name ?? 'the VM'} shut, and no active request covers ${source ?? 'any source'}.`,
      evidence,
      fixes: ['jit-request-access'],
      advice:
        'Request time-boxed access for your own address; the port is closed on purpose, so keep the JIT policy.',
    };
  },
};
