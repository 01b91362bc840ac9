export { BLOCK_KIT_LIMITS } from '@rdp-doctor/block-kit-limits';
export { validateMessageBlocks, validateView } from './block-kit-limits';
export { SLACK_POSTING_LIMIT, type RateLimitRule } from './rate-limits';
export { startFakeSlack, type FakeSlack, type FakeSlackOptions } from './server';
export type {
  FakeFile,
  FakeMessage,
  FakeSlackEvent,
  FakeSlackEvents,
  FakeView,
  RecordedCall,
  ResponseTarget,
  SlackChannel,
  SlackUser,
} from './types';
export { FAKE_BOT, FAKE_BOT_TOKEN, FAKE_TEAM } from './workspace';
export {
  interactionBody,
  signRequest,
  slashCommandBody,
  type SignedRequest,
  type SlashCommand,
} from './inbound';
export { messageJson } from './message-content';
export { viewJson } from './methods/views';
