import { PICK_VM_ACTION_ID, vmPicker, type PickVmValue } from '../../../src/slack/blocks/diagnosis';
import { buttons, contextTexts, expectSlackAccepts, sectionTexts } from './support';

const candidate = (subscription: string, resourceGroup: string, name = 'prod-01') => ({
  id: `/subscriptions/${subscription}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${name}`,
  name,
  resourceGroup,
  subscriptionId: subscription,
});

const SUB_A = '11111111-2222-3333-4444-555555555555';
const SUB_B = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

describe('vmPicker', () => {
  const candidates = [candidate(SUB_A, 'rg-web'), candidate(SUB_A, 'rg-sql'), candidate(SUB_B, 'rg-web')];
  const message = vmPicker('prod-01', candidates, 'prod-01 timeout from 203.0.113.10');

  it('asks which machine, one line and one button per candidate', () => {
    expectSlackAccepts(message);
    expect(sectionTexts(message.blocks)).toEqual([
      '`prod-01` matches 3 machines: which one?',
      'rg-web / *prod-01* (subscription `11111111`)',
      'rg-sql / *prod-01* (subscription `11111111`)',
      'rg-web / *prod-01* (subscription `aaaaaaaa`)',
    ]);
    expect(buttons(message).map((b) => [b.action_id, b.text.text])).toEqual(
      Array(3).fill([PICK_VM_ACTION_ID, 'Diagnose prod-01']),
    );
  });

  it('carries the resource id and the original request in each button, so the click resumes the run', () => {
    const values = buttons(message).map((b) => JSON.parse(b.value ?? '') as PickVmValue);
    expect(values).toEqual(
      candidates.map((c) => ({ vm: c.id, request: 'prod-01 timeout from 203.0.113.10' })),
    );
  });

  it('fits resource ids longer than a select option could hold', () => {
    const longest = candidate(SUB_A, `rg-${'x'.repeat(87)}`, `vm-${'y'.repeat(61)}`);
    expect(longest.id.length).toBeGreaterThan(150);
    const long = vmPicker(
      'vm-y',
      [longest, candidate(SUB_B, 'rg')],
      `vm-y credentials host ${'h'.repeat(900)}`,
    );
    expectSlackAccepts(long);
    expect(JSON.parse(buttons(long)[0].value ?? '')).toEqual({
      vm: longest.id,
      request: `vm-y credentials host ${'h'.repeat(900)}`,
    });
  });

  it('shows at most 45 candidates and says how to name the others', () => {
    const many = Array.from({ length: 60 }, (_, i) => candidate(SUB_A, `rg-${i}`));
    const crowded = vmPicker('prod-01', many, 'prod-01');
    expectSlackAccepts(crowded);
    expect(buttons(crowded)).toHaveLength(45);
    expect(sectionTexts(crowded.blocks)[0]).toBe('`prod-01` matches 60 machines: which one?');
    expect(contextTexts(crowded.blocks)).toEqual([
      '…and 15 more machines. Name one exactly: `/rdp &lt;resource group&gt;/&lt;vm&gt;` or its resource id.',
    ]);
  });

  it('escapes what was typed', () => {
    const hostile = vmPicker('<!channel>', candidates, '<!channel>');
    expectSlackAccepts(hostile);
    expect(sectionTexts(hostile.blocks)[0]).toBe('`&lt;!channel&gt;` matches 3 machines: which one?');
    expect(hostile.text).toBe('&lt;!channel&gt; matches 3 machines: which one?');
  });
});
