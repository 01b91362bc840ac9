// The local workspace page: the Slack client of local mode, speaking Slack's wire payloads to the app.
export { openLocalWorkspace, type LocalWorkspace, type LocalWorkspaceOptions } from './workspace';
export { CHANNEL, PEOPLE, type Person } from './people';
