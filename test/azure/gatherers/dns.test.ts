import { dnsGatherer } from '../../../src/azure/gatherers/dns';
import { context, replay } from '../arm-replay';

describe('dnsGatherer', () => {
  it('resolves the host with the resolver it is given', async () => {
    const ctx = context(replay([]), { host: 'rdp.contoso.com' });
    const asked: string[] = [];
    ctx.resolveHost = async (host) => {
      asked.push(host);
      return ['20.50.60.71'];
    };
    expect(await dnsGatherer.gather(ctx)).toEqual({ host: 'rdp.contoso.com', addresses: ['20.50.60.71'] });
    expect(asked).toEqual(['rdp.contoso.com']);
  });

  it('reads a name that does not exist as no addresses, not as a failure', async () => {
    const ctx = context(replay([]), { host: 'old.contoso.com' });
    ctx.resolveHost = async () => {
      throw Object.assign(new Error('queryA ENOTFOUND old.contoso.com'), { code: 'ENOTFOUND' });
    };
    expect(await dnsGatherer.gather(ctx)).toEqual({ host: 'old.contoso.com', addresses: [] });
  });

  it('says the resolver failed, and with what', async () => {
    const ctx = context(replay([]), { host: 'rdp.contoso.com' });
    ctx.resolveHost = async () => {
      throw Object.assign(new Error('queryA ESERVFAIL rdp.contoso.com'), { code: 'ESERVFAIL' });
    };
    await expect(dnsGatherer.gather(ctx)).rejects.toThrow(
      'DNS could not resolve rdp.contoso.com (ESERVFAIL); check the resolver rdp-doctor runs with',
    );
  });

  it('is skipped without a host name', () => {
    expect(dnsGatherer.skip?.(context(replay([])))).toBe('No host name given (use `host <name>`)');
  });
});
