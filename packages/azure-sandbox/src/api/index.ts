import type { Route } from '../arm/router';
import { activityLogRoutes } from './activity-log';
import { adminRoutes } from './admin';
import { jitPolicyRoutes } from './jit-policies';
import { metricRoutes } from './metrics';
import { networkInterfaceRoutes } from './network-interfaces';
import { networkWatcherRoutes } from './network-watchers';
import { permissionRoutes } from './permissions';
import { publicIpRoutes } from './public-ips';
import { resourceGraphRoutes } from './resource-graph';
import { runCommandRoutes } from './run-command';
import { securityGroupRoutes } from './security-groups';
import { subnetRoutes } from './subnets';
import { virtualMachineRoutes } from './virtual-machines';
import { vmExtensionRoutes } from './vm-extensions';
import { vmPowerRoutes } from './vm-power';

/** Every ARM API the sandbox emulates. */
export const apiRoutes: readonly Route[] = [
  ...virtualMachineRoutes,
  ...runCommandRoutes,
  ...vmPowerRoutes,
  ...vmExtensionRoutes,
  ...networkInterfaceRoutes,
  ...subnetRoutes,
  ...securityGroupRoutes,
  ...publicIpRoutes,
  ...networkWatcherRoutes,
  ...jitPolicyRoutes,
  ...metricRoutes,
  ...activityLogRoutes,
  ...resourceGraphRoutes,
  ...adminRoutes,
  ...permissionRoutes,
];
