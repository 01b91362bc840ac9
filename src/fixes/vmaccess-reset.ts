import type { VirtualMachineExtension } from '@azure/arm-compute';
import { callAzure } from '../azure/errors';
import { neverLog } from '../logger';
import { LOGON_STATUS, failuresByAccount, logonFailures } from '../diagnosis/events';
import type { Facts } from '../diagnosis/facts';
import type { GuestFacts } from '../diagnosis/guest-facts';
import type { CauseId } from '../diagnosis/ids';
import { correlated } from './arm';
import type { FixDefinition } from './fix';
import { generatePassword } from './password';
import { textParam } from './params';
import { USER_NAME_INPUT, localAccountInput, plannedAccount } from './local-account';
import { findAccount } from './target';
import { accountName } from './validate';

// The guide's blunt instrument: VMAccess resets a local administrator's password and, as a side effect,
// the Remote Desktop configuration, over the agent, with no inbound session. The new password is made
// here, handed back only as the proposer's secret, and never enters params, descriptions, summaries,
// errors or logs.

/** The name a first VMAccess install gets; a VM that has one keeps its own name (see vmAccessName). */
export const VMACCESS_EXTENSION = 'enablevmaccess';
const VMACCESS_PUBLISHER = 'microsoft.compute';
const VMACCESS_TYPE = 'vmaccessagent';

/**
 * Windows runs one extension per handler: a second VMAccess under another name is refused with 400
 * "Multiple VMExtensions per handler not supported", so an installed one (portal, az, an earlier reset) is
 * written again under its own name.
 */
export function vmAccessName(installed: readonly VirtualMachineExtension[]): string {
  const existing = installed.find(
    (extension) =>
      extension.publisher?.toLowerCase() === VMACCESS_PUBLISHER &&
      extension.typePropertiesType?.toLowerCase() === VMACCESS_TYPE,
  );
  return existing?.name ?? VMACCESS_EXTENSION;
}

/** The accounts the finding names, most likely first. */
function namedByFinding(guest: GuestFacts, cause: CauseId): string[] {
  const events = guest.events ?? [];
  const accounts = guest.accounts ?? [];
  if (cause === 'password-expired') {
    return [
      ...accounts.filter((a) => a.enabled && a.passwordExpired).map((a) => a.name),
      ...failuresByAccount(
        logonFailures(events, [LOGON_STATUS.passwordExpired, LOGON_STATUS.mustChangePassword]),
      ).map((a) => a.user),
    ];
  }
  if (cause === 'password-rejected') {
    return failuresByAccount(logonFailures(events, [LOGON_STATUS.wrongPassword])).map((a) => a.user);
  }
  return [];
}

/**
 * The account to reset: the one the finding names when it is a local account (VMAccess would create any
 * other as a new administrator), else the first enabled account allowed to use Remote Desktop.
 */
export function suggestedAccount(facts: Facts, cause: CauseId): string | null {
  if (facts.guest.status !== 'ok') return null;
  const guest = facts.guest.value;
  const accounts = guest.accounts;
  const named = namedByFinding(guest, cause).filter((name) => name !== '');
  if (accounts === null) return named[0] ?? null;
  const local = named.map((name) => findAccount(accounts, name)).find((a) => a !== undefined);
  const fallback = accounts.find((a) => a.enabled && a.rdpAllowed) ?? accounts.find((a) => a.enabled);
  return (local ?? fallback)?.name ?? null;
}

/** An error that, by any path, quoted the password: the quote is cut before anyone reads it. */
function withoutSecret(err: unknown, secret: string): unknown {
  if (err instanceof Error && err.message.includes(secret))
    err.message = err.message.split(secret).join('[redacted]');
  return err;
}

export const vmaccessReset: FixDefinition = {
  id: 'vmaccess-reset',
  title: 'Reset password and RDP configuration',
  causes: ['password-rejected', 'password-expired', 'rdp-not-listening'],
  inputs({ facts, finding }) {
    return [
      localAccountInput(
        suggestedAccount(facts, finding.cause),
        'The local administrator account whose password is reset; the new password is shown only to you.',
      ),
    ];
  },
  plan({ facts, input }) {
    const { vm, userName } = plannedAccount(facts, input[USER_NAME_INPUT], {
      unknown: ({ userName: typed, vm: machine, known }) =>
        `${machine.name} has no local account ${typed} (its local accounts: ${known}), and VMAccess would create it as a ` +
        'new administrator: type one of the existing accounts.',
    });
    return {
      params: { userName },
      description:
        `Reset the password of local account ${userName} on ${vm.name} with VMAccess, which also restores the Remote ` +
        'Desktop configuration; the new password is shown once, only to the person who proposed it.',
    };
  },
  async execute(ctx) {
    const userName = accountName(textParam(ctx.params, 'userName'));
    const password = generatePassword(userName);
    // Before any call that might log it: the Web API client logs the proposer's ephemeral at debug.
    neverLog(password);
    const extension: VirtualMachineExtension = {
      location: ctx.vm.location,
      publisher: 'Microsoft.Compute',
      typePropertiesType: 'VMAccessAgent',
      typeHandlerVersion: '2.4',
      autoUpgradeMinorVersion: true,
      // Runs the extension again even when an earlier reset left the same public settings.
      forceUpdateTag: ctx.proposalId,
      settings: { UserName: userName },
      protectedSettings: { Password: password },
    };
    const installed = await callAzure(
      'VM extensions',
      () =>
        ctx.sub.compute.virtualMachineExtensions.list(ctx.vm.resourceGroup, ctx.vm.name, {
          abortSignal: ctx.signal,
        }),
      {
        403: "the identity rdp-doctor runs as may not read this VM's extensions; assign it the rdp-doctor-fix role on the VM's resource group",
      },
    );
    const name = vmAccessName(installed.value ?? []);
    const call = correlated(ctx.signal);
    try {
      await callAzure(
        'VMAccess',
        () =>
          ctx.sub.compute.virtualMachineExtensions.beginCreateOrUpdateAndWait(
            ctx.vm.resourceGroup,
            ctx.vm.name,
            name,
            extension,
            call.options,
          ),
        {
          403: "the identity rdp-doctor runs as may not install extensions on this VM; assign it the rdp-doctor-fix role on the VM's resource group",
          VMAgentStatusCommunicationError:
            'the VM agent is not answering, so VMAccess cannot run: reset the password through the serial console',
        },
      );
    } catch (err) {
      throw withoutSecret(err, password);
    }
    return {
      summary:
        `Reset the password of ${userName} on ${ctx.vm.name} and its Remote Desktop configuration with VMAccess; ` +
        'the new password went only to the proposer.',
      correlationId: call.correlationId(),
      secretForProposer: password,
    };
  },
};
