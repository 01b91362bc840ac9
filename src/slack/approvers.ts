import type { WebClient } from '@slack/web-api';
import type { ApproverPolicy } from '../approvals/workflow';
import type { ApproverSetting } from '../config';

// APPROVERS: Slack user ids (U…, W…) and user group ids (S…), or `*`. Who is in a group is read from Slack
// at the clicks, kept for a minute so a burst of clicks asks once, so someone who left the group stops being
// able to approve within that minute; when Slack cannot say who is in it, nobody can (fail closed).

export type ApproverLookup = { ok: true; policy: ApproverPolicy } | { ok: false; message: string };

/** How long a group's member list read from Slack is trusted. */
export const GROUP_MEMBERS_TTL_MS = 60_000;

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

export interface ApproverDirectoryOptions {
  client: WebClient;
  setting: ApproverSetting;
  /** How long a group's members are trusted once read; GROUP_MEMBERS_TTL_MS unless a test shortens it. */
  groupTtlMs?: number;
  clock?: () => number;
}

/** Who may approve at the moment of a click, as APPROVERS and Slack's user groups say. */
export class ApproverDirectory {
  private readonly groups = new Map<string, { users: string[]; readAt: number }>();
  private readonly ttlMs: number;
  private readonly clock: () => number;

  constructor(private readonly options: ApproverDirectoryOptions) {
    this.ttlMs = options.groupTtlMs ?? GROUP_MEMBERS_TTL_MS;
    this.clock = options.clock ?? Date.now;
  }

  async resolve(): Promise<ApproverLookup> {
    const { setting } = this.options;
    if (setting.kind === 'unset') return { ok: true, policy: 'unset' };
    if (setting.kind === 'any-member') return { ok: true, policy: 'any-member' };
    const users = new Set(setting.ids.filter((id) => !isUserGroup(id)));
    for (const group of setting.ids.filter(isUserGroup)) {
      const members = await this.members(group);
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

  private async members(group: string): Promise<{ users: string[] } | { error: string }> {
    const now = this.clock();
    const cached = this.groups.get(group);
    if (cached && now - cached.readAt < this.ttlMs) return cached;
    const members = await groupMembers(this.options.client, group);
    // A failed read is not kept: the next click asks Slack again.
    if ('users' in members) this.groups.set(group, { users: members.users, readAt: now });
    return members;
  }
}
