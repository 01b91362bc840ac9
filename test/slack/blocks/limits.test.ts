import { BLOCK_KIT_LIMITS } from '@rdp-doctor/slack-fake';
import { LIMITS, section } from '../../../src/slack/blocks/build';

// One table of Slack's Block Kit limits (packages/block-kit-limits): the renderers cut to the very limits
// the fake Slack refuses past, so the two cannot drift apart.

test('the renderers and the fake Slack read one Block Kit limits table', () => {
  expect(LIMITS).toBe(BLOCK_KIT_LIMITS);
});

test('a section is cut to the section text limit of that table', () => {
  const block = section('x'.repeat(BLOCK_KIT_LIMITS.sectionText + 500));
  expect(block.text?.text.length).toBeLessThanOrEqual(BLOCK_KIT_LIMITS.sectionText);
});
