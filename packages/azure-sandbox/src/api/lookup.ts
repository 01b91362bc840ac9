import { resourceNotFound } from '../arm/respond';
import type { RouteContext } from '../arm/router';
import type { ArmResource, ResourceMap } from '../world';

/** The resource a route's path names, or ARM's ResourceNotFound. */
export function lookup<T extends ArmResource>(
  ctx: RouteContext,
  map: ResourceMap<T>,
  type: string,
  nameParam: string,
): T {
  const { subscriptionId, resourceGroupName } = ctx.params;
  const name = ctx.params[nameParam];
  const resource = map.find(subscriptionId, resourceGroupName, type, name);
  if (!resource) throw resourceNotFound(type, name, resourceGroupName);
  return resource;
}

/**
 * One page of a list, with ARM's `nextLink` (carrying an opaque `$skiptoken`) when more remain. The SDKs'
 * list iterators follow it, so paging is exercised whenever a list is longer than a page.
 */
export function page<T>(ctx: RouteContext, items: T[]): { value: T[]; nextLink?: string } {
  const token = ctx.query.get('$skiptoken');
  const offset = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) || 0 : 0;
  const value = items.slice(offset, offset + ctx.pageSize);
  if (offset + ctx.pageSize >= items.length) return { value };
  const query = new URLSearchParams(ctx.query);
  query.set('$skiptoken', Buffer.from(String(offset + ctx.pageSize)).toString('base64url'));
  return { value, nextLink: `${ctx.origin}${ctx.path}?${query.toString()}` };
}
