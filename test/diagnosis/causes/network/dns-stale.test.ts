import { dnsStale } from '../../../../src/diagnosis/causes/network/dns-stale';
import type { Facts } from '../../../../src/diagnosis/facts';
import { PRIVATE_IP, PUBLIC_IP, healthyFacts, ok, testCauseRule } from '../../../fixtures/facts';

const HOST = 'rdp.contoso.com';

function resolving(...addresses: string[]): Facts {
  const facts = healthyFacts();
  facts.request.host = HOST;
  facts.dns = ok({ host: HOST, addresses });
  return facts;
}

testCauseRule(dnsStale, {
  fires: [
    {
      name: 'the record still points at the old dynamic address',
      facts: resolving('20.50.60.99'),
      summary: [HOST, '20.50.60.99', 'vm-web-01'],
      evidence: [
        `${HOST} resolves to 20.50.60.99`,
        `vm-web-01's addresses: ${PUBLIC_IP} (public), ${PRIVATE_IP} (private)`,
      ],
      advice: `Point the DNS record for ${HOST} at ${PUBLIC_IP}`,
    },
    {
      name: 'the name does not resolve at all',
      facts: resolving(),
      summary: [HOST, 'does not resolve'],
      evidence: [`${HOST} does not resolve`],
      advice: `Create the DNS record for ${HOST}`,
    },
  ],
  quiet: [
    { name: 'resolves to the public IP', facts: resolving(PUBLIC_IP) },
    { name: 'resolves (privately) to the private IP', facts: resolving(PRIVATE_IP) },
    { name: 'one of several answers is the VM', facts: resolving('20.50.60.99', PUBLIC_IP) },
    { name: 'the same address written as IPv4-mapped IPv6', facts: resolving(`::ffff:${PUBLIC_IP}`) },
  ],
});

test('does not apply without a host name', () => {
  expect(dnsStale.notApplicable?.(healthyFacts())).toMatch(/No host name given/);
  expect(dnsStale.notApplicable?.(resolving(PUBLIC_IP))).toBeNull();
});

test('confirm resolves the name the user dials', () => {
  expect(dnsStale.confirm(resolving(PUBLIC_IP))).toBe(`nslookup ${HOST}`);
});
