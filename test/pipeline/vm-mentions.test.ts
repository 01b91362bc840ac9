import type { VmIdentity } from '../../src/diagnosis/facts';
import { findVmMentions, mentionedVms } from '../../src/pipeline/vm-mentions';

// The message shortcut's reading of a message: resource ids as written, bare names only when a visible
// machine has that name.

const SUB = '3f2a9c1e-7b44-4d0a-9e61-2c5b8f0d4a17';
const idOf = (rg: string, name: string) =>
  `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;
const vm = (rg: string, name: string): VmIdentity => ({
  id: idOf(rg, name),
  name,
  resourceGroup: rg,
  subscriptionId: SUB,
  location: 'westeurope',
});

// What the Azure Monitor integration posts for a fired metric alert (common alert schema essentials),
// with the portal link to the resource.
const azureMonitorAlert = [
  ':red_circle: *Fired: Sev1 - RDP availability - vm-web-01*',
  `*Alert rule:* <https://portal.azure.com/#@contoso.onmicrosoft.com/resource/subscriptions/${SUB}/resourceGroups/rg-web-prod/providers/microsoft.insights/metricAlerts/rdp-availability/overview|rdp-availability>`,
  '*Severity:* Sev1  *Monitor condition:* Fired  *Signal type:* Metric',
  `*Affected resource:* <https://portal.azure.com/#@contoso.onmicrosoft.com/resource${idOf('rg-web-prod', 'vm-web-01').toLowerCase()}/overview|vm-web-01>`,
  `*Alert target IDs:* ${idOf('rg-web-prod', 'vm-web-01').toLowerCase()}`,
  '*Fired at:* 2026-12-04T07:42:13Z  *Metric:* VmAvailabilityMetric < 1 for 5 minutes',
].join('\n');

const complaint =
  "<@U0DAVE> hey, can't RDP into vm-web-01 or VM-SQL-02 since this morning, it just says the remote computer " +
  "can't be found. Tried from 203.0.113.10 too. <!here> anyone?";

describe('findVmMentions', () => {
  it('takes the VM resource id an Azure Monitor alert quotes, once, and not the alert rule id', () => {
    const mentions = findVmMentions(azureMonitorAlert);
    expect(mentions.resourceIds).toEqual([idOf('rg-web-prod', 'vm-web-01').toLowerCase()]);
  });

  it("takes the words of a person's complaint, lower-cased, leaving out mentions and punctuation", () => {
    const { resourceIds, words } = findVmMentions(complaint);
    expect(resourceIds).toEqual([]);
    expect(words).toEqual(expect.arrayContaining(['vm-web-01', 'vm-sql-02', 'rdp', '203.0.113.10']));
    expect(words).not.toContain('u0dave');
    expect(words).not.toContain('here');
  });

  it('reads a percent-encoded id in a link and drops the full stop that ends the sentence', () => {
    const encoded = encodeURIComponent(idOf('rg-app', 'app-07'));
    const { resourceIds } = findVmMentions(
      `Look at https://example.com/vm?id=${encoded}. Then ${idOf('rg-app', 'app-08')}.`,
    );
    expect(resourceIds).toEqual([idOf('rg-app', 'app-07'), idOf('rg-app', 'app-08')]);
  });

  it('finds nothing in a message without machine words or ids', () => {
    expect(findVmMentions('<@U0DAVE> :+1:')).toEqual({ resourceIds: [], words: [] });
  });
});

describe('mentionedVms', () => {
  const visible = [vm('rg-web-prod', 'vm-web-01'), vm('rg-data', 'vm-sql-02'), vm('rg-data-dr', 'vm-sql-02')];

  it('counts the alert’s resource id as one machine, also when its name appears again in the text', () => {
    const found = mentionedVms(findVmMentions(azureMonitorAlert), visible);
    expect(found.map((m) => m.id)).toEqual([idOf('rg-web-prod', 'vm-web-01')]);
  });

  it('names every visible machine a complaint mentions, both machines of a shared name, in text order', () => {
    const found = mentionedVms(findVmMentions(complaint), visible);
    expect(found.map((m) => `${m.resourceGroup}/${m.name}`)).toEqual([
      'rg-web-prod/vm-web-01',
      'rg-data/vm-sql-02',
      'rg-data-dr/vm-sql-02',
    ]);
  });

  it('does not take a word for a machine the identity cannot see', () => {
    expect(mentionedVms(findVmMentions("can't RDP into vm-ghost-9"), visible)).toEqual([]);
  });

  it('keeps a quoted resource id of a machine it cannot see, for the resolver to answer about', () => {
    const found = mentionedVms(findVmMentions(`down: ${idOf('rg-other', 'vm-x')}`), visible);
    expect(found).toEqual([
      { id: idOf('rg-other', 'vm-x'), name: 'vm-x', resourceGroup: 'rg-other', subscriptionId: SUB },
    ]);
  });
});
