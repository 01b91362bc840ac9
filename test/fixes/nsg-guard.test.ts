import { checkRdpSource } from '../../src/fixes/nsg-guard';

// The guard on an RDP allow's source: every refusal says what was wrong and what to type instead.

describe('checkRdpSource', () => {
  describe('refuses', () => {
    it.each([
      ['*', /whole internet/],
      ['Any', /whole internet/],
      ['any', /whole internet/],
      ['Internet', /whole internet/],
      ['0.0.0.0/0', /whole internet/],
      ['::/0', /whole internet/],
      ['  *  ', /whole internet/],
      ['128.0.0.0/0', /every address/],
    ])('everyone: %s', (source, why) => {
      const check = checkRdpSource(source, 24);
      expect(check.ok).toBe(false);
      if (check.ok) return;
      expect(check.reason).toMatch(why);
      expect(check.reason).toContain('type your own public address (e.g. 203.0.113.10)');
    });

    it.each([
      'VirtualNetwork',
      'AzureLoadBalancer',
      'AzureCloud',
      'AzureCloud.westeurope',
      'Storage.EastUS2',
    ])('service tag: %s', (tag) => {
      const check = checkRdpSource(tag, 24);
      expect(check).toEqual({
        ok: false,
        reason: `"${tag}" is a service tag, which stands for address ranges Azure manages, far wider than one person: type your own public address (e.g. 203.0.113.10) or your office range (e.g. 203.0.113.0/24).`,
      });
    });

    it.each([
      [
        '203.0.113.0/16',
        '"203.0.113.0/16" spans 65,536 addresses; the widest range allowed is /24 (NSG_MAX_PREFIX)',
      ],
      [
        '10.0.0.0/8',
        '"10.0.0.0/8" spans 16,777,216 addresses; the widest range allowed is /24 (NSG_MAX_PREFIX)',
      ],
      [
        '203.0.113.0/23',
        '"203.0.113.0/23" spans 512 addresses; the widest range allowed is /24 (NSG_MAX_PREFIX)',
      ],
      ['2001:db8::/48', '"2001:db8::/48" spans 2^80 addresses; the widest range allowed is /64:'],
      ['2001:db8::/63', '"2001:db8::/63" spans 2^65 addresses; the widest range allowed is /64:'],
    ])('too wide: %s', (source, reason) => {
      const check = checkRdpSource(source, 24);
      expect(check.ok).toBe(false);
      if (check.ok) return;
      expect(check.reason).toContain(reason);
      expect(check.reason).toMatch(/type your own address or a range of \/(24|64) or narrower\.$/);
    });

    it('a range the policy makes too wide: NSG_MAX_PREFIX=28 refuses a /24', () => {
      const check = checkRdpSource('203.0.113.0/24', 28);
      expect(check.ok).toBe(false);
      if (!check.ok) expect(check.reason).toContain('the widest range allowed is /28 (NSG_MAX_PREFIX)');
    });

    it.each(['', '   '])('nothing typed: %j', (source) => {
      expect(checkRdpSource(source, 24)).toEqual({
        ok: false,
        reason:
          'Type the address you connect from: your own public address (e.g. 203.0.113.10) or your office range (e.g. 203.0.113.0/24).',
      });
    });

    it.each(['203.0.113.10, 198.51.100.7', '203.0.113.10 198.51.100.7', '203.0.113.10;198.51.100.7'])(
      'several values: %s',
      (source) => {
        const check = checkRdpSource(source, 24);
        expect(check.ok).toBe(false);
        if (!check.ok) expect(check.reason).toContain('holds more than one value: type one address or range');
      },
    );

    it.each([
      '203.0.113',
      '203.0.113.256',
      '203.0.113.10/33',
      '203.0.113.10/',
      '10.1',
      'my-laptop',
      'rdp.contoso.com',
      'contoso.com',
      '203.0.113.10-203.0.113.20',
      '$(whoami)',
      '2001:db8::/129',
    ])('junk: %s', (source) => {
      const check = checkRdpSource(source, 24);
      expect(check.ok).toBe(false);
      if (check.ok) return;
      expect(check.reason).toBe(
        `"${source}" is not an IP address or CIDR range: type your own public address (e.g. 203.0.113.10) or your office range (e.g. 203.0.113.0/24).`,
      );
    });
  });

  describe('accepts', () => {
    it.each([
      ['203.0.113.10', '203.0.113.10', 32, 'ipv4'],
      [' 203.0.113.10 ', '203.0.113.10', 32, 'ipv4'],
      ['203.0.113.10/32', '203.0.113.10/32', 32, 'ipv4'],
      ['203.0.113.0/24', '203.0.113.0/24', 24, 'ipv4'],
      ['203.0.113.10/24', '203.0.113.0/24', 24, 'ipv4'],
      ['203.0.113.128/25', '203.0.113.128/25', 25, 'ipv4'],
      ['10.20.30.0/24', '10.20.30.0/24', 24, 'ipv4'],
      ['2001:db8::10', '2001:db8::10', 128, 'ipv6'],
      ['2001:0db8:0000:0000:0000:0000:0000:0010', '2001:db8::10', 128, 'ipv6'],
      ['2001:db8:0:1::/64', '2001:db8:0:1::/64', 64, 'ipv6'],
      ['2001:db8:0:1::99/64', '2001:db8:0:1::/64', 64, 'ipv6'],
    ])('%s as %s', (typed, source, prefixLength, family) => {
      expect(checkRdpSource(typed, 24)).toEqual({ ok: true, source, prefixLength, family });
    });

    it('a wider range when the policy allows it: NSG_MAX_PREFIX=16', () => {
      expect(checkRdpSource('203.0.0.0/16', 16)).toEqual({
        ok: true,
        source: '203.0.0.0/16',
        prefixLength: 16,
        family: 'ipv4',
      });
    });

    it('never the whole internet, even when the policy allows /0', () => {
      expect(checkRdpSource('0.0.0.0/0', 0).ok).toBe(false);
      expect(checkRdpSource('*', 0).ok).toBe(false);
    });
  });
});
