import type { Proposal, Store } from '../store';
import { isAllowed, type ApproverPolicy } from './workflow';

/**
 * The proposals that wait for `viewer`'s approval: still open and unexpired, proposed by someone else,
 * with `viewer` among the approvers and not yet approving. Newest first. The same rules the workflow
 * applies when the click comes, so the list never offers a button that would be refused for who clicks.
 */
export async function proposalsAwaiting(
  store: Pick<Store, 'listProposalsInState' | 'listApprovers'>,
  viewer: string,
  approvers: ApproverPolicy,
  now: Date,
): Promise<Proposal[]> {
  if (!isAllowed(approvers, viewer)) return [];
  const open = (await store.listProposalsInState(['proposed'])).filter(
    (proposal) => proposal.proposer !== viewer && Date.parse(proposal.expiresAt) > now.getTime(),
  );
  const approvedBy = await Promise.all(open.map((proposal) => store.listApprovers(proposal.id)));
  return open.filter((_proposal, index) => !approvedBy[index].includes(viewer)).reverse();
}
