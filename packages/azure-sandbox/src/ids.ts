// ARM resource ids. ARM compares them case-insensitively, so every lookup goes through `idKey`.

export function idKey(id: string): string {
  return id.toLowerCase().replace(/\/+$/, '');
}

export function resourceGroupId(subscriptionId: string, resourceGroup: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}`;
}

/** `type` is the provider and type path, e.g. `Microsoft.Network/networkSecurityGroups`. */
export function resourceId(
  subscriptionId: string,
  resourceGroup: string,
  type: string,
  name: string,
): string {
  return `${resourceGroupId(subscriptionId, resourceGroup)}/providers/${type}/${name}`;
}

export interface ParsedId {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** Subscription, resource group and last name segment of a resource id, or null when it is not one. */
export function parseResourceId(id: string): ParsedId | null {
  const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/.+\/([^/]+)$/i.exec(id);
  return match ? { subscriptionId: match[1], resourceGroup: match[2], name: match[3] } : null;
}
