// Who is who: auth.test, users.info, conversations.info and usergroups.users.list, answered from what
// the test or the local workspace told the fake (https://docs.slack.dev/reference/methods/auth.test …).
import type { ApiAnswer, Json } from '../types';
import { fail, FAKE_BOT, FAKE_TEAM, ok, stringArg, type Workspace } from '../workspace';

export function authTest(): ApiAnswer {
  return ok({
    url: `https://${FAKE_TEAM.domain}.slack.com/`,
    team: FAKE_TEAM.name,
    user: FAKE_BOT.name,
    team_id: FAKE_TEAM.id,
    user_id: FAKE_BOT.user_id,
    bot_id: FAKE_BOT.bot_id,
    is_enterprise_install: false,
  });
}

export function usersInfo(ws: Workspace, args: Json): ApiAnswer {
  const user = ws.users.get(stringArg(args, 'user') ?? '');
  if (!user) return fail('user_not_found');
  return ok({
    user: {
      ...user,
      team_id: FAKE_TEAM.id,
      deleted: false,
      profile: { real_name: user.real_name, display_name: user.name, team: FAKE_TEAM.id },
    },
  });
}

export function conversationsInfo(ws: Workspace, args: Json): ApiAnswer {
  const channel = ws.channels.get(stringArg(args, 'channel') ?? '');
  if (!channel) return fail('channel_not_found');
  return ok({
    channel: {
      ...channel,
      is_channel: !channel.is_im && !channel.is_private,
      is_group: channel.is_private,
      is_mpim: false,
      is_archived: false,
      is_member: true,
      context_team_id: FAKE_TEAM.id,
    },
  });
}

export function usergroupsUsersList(ws: Workspace, args: Json): ApiAnswer {
  const users = ws.userGroups.get(stringArg(args, 'usergroup') ?? '');
  if (!users) return fail('no_such_subteam');
  return ok({ users: [...users] });
}
