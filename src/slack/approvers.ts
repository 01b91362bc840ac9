import type { WebClient } from '@slack/web-api';
import type { ApproverPolicy } from '../approvals/workflow';

// APPROVERS: Slack user ids (U…, W…) and user group ids (S…). A group's members are read from Slack at
// each click, so someone who left the group cannot approve; when Slack cannot say who is in it, nobody
// can (fail closed).

export type ApproverLookup = { ok: true; policy: ApproverPolicy } | { ok: false; message: string };

export function isUserGroup(id: string): boolean {
  return id.startsWith('S');
}

async function groupMembers(
  client: WebClient,
  group: string,
): Promise<{ users: string[] } | { error: string }> {
  try {
    const answer = await client.usergroups.users.list({ usergroup: group });
    if (!answer.ok || !answer.users) return { error: answer.error ?? 'no member list' };
    return { users: answer.users };
  } catch (error) {
    const code = (error as { data?: { error?: string }; code?: string }).data?.error;
    return { error: code ?? (error as Error).message };
  }
}

/** Who may approve right now: null when APPROVERS is unset (anyone but the proposer), else the user ids. */
export async function resolveApprovers(
  client: WebClient,
  configured: readonly string[],
): Promise<ApproverLookup> {
  if (configured.length === 0) return { ok: true, policy: null };
  const users = new Set(configured.filter((id) => !isUserGroup(id)));
  for (const group of configured.filter(isUserGroup)) {
    const members = await groupMembers(client, group);
    if ('error' in members) {
      return {
        ok: false,
        message:
          `Your approval was not recorded: Slack did not say who is in the approver group ${group} (${members.error}), ` +
          'and rdp-doctor runs no fix it cannot check the approver of. Try again in a minute; if it keeps failing, ' +
          'ask an admin to check APPROVERS and that the app has the usergroups:read scope.',
      };
    }
    for (const user of members.users) users.add(user);
  }
  return { ok: true, policy: [...users] };
}
