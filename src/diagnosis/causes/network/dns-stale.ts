import type { CauseRule } from '../../cause';
import { factValue } from '../../facts';
import { sameAddress } from '../../net';

export const dnsStale: CauseRule = {
  id: 'dns-stale',
  layer: 'network',
  title: "The host name does not resolve to the VM's address",
  label: 'DNS name',
  guide: 'Layer one: the network path to port 3389',
  severity: 'critical',
  needs: ['dns', 'vm', 'publicIp'],
  notApplicable: (facts) => (facts.request.host === null ? 'No host name given (use `host <name>`).' : null),
  confirm: (facts) => `nslookup ${facts.request.host ?? '<host-name>'}`,
  clean: "The host name resolves to one of the VM's addresses.",
  detect(facts) {
    const dns = factValue(facts, 'dns');
    const vm = factValue(facts, 'vm');
    const publicAddress = factValue(facts, 'publicIp').publicIp?.ipAddress ?? null;
    const own = [
      ...(publicAddress ? [{ address: publicAddress, kind: 'public' }] : []),
      ...vm.nics.flatMap((nic) => (nic.privateIp ? [{ address: nic.privateIp, kind: 'private' }] : [])),
    ];
    if (dns.addresses.some((address) => own.some((entry) => sameAddress(address, entry.address))))
      return null;
    const mine = own.map((entry) => `${entry.address} (${entry.kind})`).join(', ') || 'none';
    if (dns.addresses.length === 0) {
      return {
        summary: `${dns.host} does not resolve to any address, so clients dialing it never reach ${vm.name}.`,
        evidence: [`${dns.host} does not resolve`, `${vm.name}'s addresses: ${mine}`],
        advice: `Create the DNS record for ${dns.host} pointing at ${publicAddress ?? "the VM's address"}, and keep that address static.`,
      };
    }
    return {
      summary: `${dns.host} resolves to ${dns.addresses.join(', ')}, not to ${vm.name}: the client dials the wrong machine.`,
      evidence: [`${dns.host} resolves to ${dns.addresses.join(', ')}`, `${vm.name}'s addresses: ${mine}`],
      advice:
        `Point the DNS record for ${dns.host} at ${publicAddress ?? "the VM's address"}, and make the public IP static ` +
        'so the name and the address stop drifting apart.',
    };
  },
};
