import { API_VERSIONS } from '../arm/api-versions';
import { ok } from '../arm/respond';
import type { Route } from '../arm/router';

// What the caller may do in a resource group (GET …/providers/Microsoft.Authorization/permissions, shape of
// PermissionGetResult in the Authorization spec, 2022-04-01): the sandbox's one token may do everything,
// like an Owner, so `check-access` against the sandbox finds nothing missing.

export const permissionRoutes: Route[] = [
  {
    method: 'GET',
    path: '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Authorization/permissions',
    apiVersions: API_VERSIONS.authorization,
    handle: () => ok({ value: [{ actions: ['*'], notActions: [], dataActions: [], notDataActions: [] }] }),
  },
];
