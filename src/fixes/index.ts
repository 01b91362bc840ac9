import { enableRdpConnections } from './enable-rdp-connections';
import { enableRdpFirewallRules } from './enable-rdp-firewall-rules';
import type { FixDefinition } from './fix';
import { jitRequestAccess } from './jit-request-access';
import { logoffSession } from './logoff-session';
import { makePublicIpStatic } from './make-public-ip-static';
import { nsgAllowRdpFromSource } from './nsg-allow-rdp-from-source';
import { resetListenerCertificate } from './reset-listener-certificate';
import { resetRdpPort } from './reset-rdp-port';
import { restartVm } from './restart-vm';
import { startTermservice } from './start-termservice';
import { startVm } from './start-vm';
import { stopProcess } from './stop-process';
import { unlockAccount } from './unlock-account';
import { vmaccessReset } from './vmaccess-reset';

// The fix catalog, in the order of DESIGN.md's table (FIX_IDS).

export const fixes: readonly FixDefinition[] = [
  nsgAllowRdpFromSource,
  jitRequestAccess,
  startVm,
  restartVm,
  startTermservice,
  enableRdpFirewallRules,
  enableRdpConnections,
  resetRdpPort,
  resetListenerCertificate,
  vmaccessReset,
  unlockAccount,
  stopProcess,
  logoffSession,
  makePublicIpStatic,
];

const byId = new Map<string, FixDefinition>(fixes.map((fix) => [fix.id, fix]));

/** The fix with this id (from a button's action_id, say), or undefined when the catalog has none. */
export function fixById(id: string): FixDefinition | undefined {
  return byId.get(id);
}
