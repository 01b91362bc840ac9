import fs from 'node:fs';
import path from 'node:path';
import { passwordExpired } from '../../src/diagnosis/causes/auth/password-expired';
import { passwordRejected } from '../../src/diagnosis/causes/auth/password-rejected';
import { rdpNotListening } from '../../src/diagnosis/causes/service/rdp-not-listening';
import type { Facts } from '../../src/diagnosis/facts';
import { FixRefusal } from '../../src/fixes/fix';
import { PASSWORD_CLASSES, PASSWORD_LENGTH, generatePassword } from '../../src/fixes/password';
import { vmaccessReset } from '../../src/fixes/vmaccess-reset';
import {
  factsWith,
  failedLogon,
  guestEvents,
  guestWith,
  healthyFacts,
  localAccount,
} from '../fixtures/facts';
import { FakeAzure, PROPOSAL_ID, executionContext, inputsFor, planFor, restError } from './support';
import { VM_ID, replay } from '../azure/arm-replay';

const LIST_EXAMPLE = path.join(
  __dirname,
  '../fixtures/rest-specs/specification/compute/resource-manager/Microsoft.Compute/ComputeRP/stable/2025-04-01/examples/virtualMachineExamples/VirtualMachineExtension_List_MaximumSet_Gen.json',
);

const EXTENSION = 'virtualMachineExtensions.beginCreateOrUpdateAndWait';

function expiredAdmin(): Facts {
  return guestWith((guest) => {
    guest.accounts = [
      localAccount('svc-backup', { rdpAllowed: false }),
      localAccount('azureadmin', { passwordExpired: true }),
    ];
  });
}

function rejected(user: string): Facts {
  return guestEvents(failedLogon(user, { subStatus: '0xC000006A' }, '203.0.113.10', 5));
}

function notListening(): Facts {
  return guestWith((guest) => {
    guest.rdp!.listening = false;
  });
}

describe('vmaccess-reset', () => {
  describe('inputs', () => {
    it.each([
      ['the expired account', passwordExpired, expiredAdmin(), 'azureadmin'],
      [
        'the rejected account, spelled as Windows lists it',
        passwordRejected,
        rejected('AzureAdmin'),
        'azureadmin',
      ],
      [
        'the first RDP account when the rejected name is no local account (VMAccess would create it)',
        passwordRejected,
        rejected('administrator'),
        'azureadmin',
      ],
      ['the first RDP account when the finding names none', rdpNotListening, notListening(), 'azureadmin'],
    ])('suggests %s', (_, rule, facts, name) => {
      expect(inputsFor(vmaccessReset, rule, facts)).toEqual([
        expect.objectContaining({ name: 'userName', initial: name }),
      ]);
    });
  });

  describe('plan', () => {
    it('resets an existing local account, named as Windows spells it', () => {
      expect(planFor(vmaccessReset, passwordExpired, expiredAdmin(), { userName: 'AZUREADMIN' })).toEqual({
        params: { userName: 'azureadmin' },
        description:
          'Reset the password of local account azureadmin on vm-web-01 with VMAccess, which also restores the Remote ' +
          'Desktop configuration; the new password is shown once, only to the person who proposed it.',
      });
    });

    it('refuses a name that is not a local account: VMAccess would create a new administrator', () => {
      expect(() => planFor(vmaccessReset, passwordExpired, expiredAdmin(), { userName: 'mallory' })).toThrow(
        new FixRefusal(
          'vm-web-01 has no local account mallory (its local accounts: svc-backup, azureadmin), and VMAccess would ' +
            'create it as a new administrator: type one of the existing accounts.',
        ),
      );
    });

    it.each(['', 'bad name', 'CONTOSO\\alice', '-admin', 'a'.repeat(21), 'admin.'])(
      'refuses the name %j',
      (userName) => {
        expect(() => planFor(vmaccessReset, passwordExpired, expiredAdmin(), { userName })).toThrow(
          /is not a local Windows account name rdp-doctor can pass on: type the account's name/,
        );
      },
    );

    it('refuses when the agent cannot run VMAccess', () => {
      const facts = factsWith(
        'vm',
        (vm) => {
          vm.agent.status = 'not-ready';
        },
        expiredAdmin(),
      );
      expect(() => planFor(vmaccessReset, passwordExpired, facts, { userName: 'azureadmin' })).toThrow(
        'The VM agent on vm-web-01 is not ready, so Run Command and VMAccess cannot reach Windows: use the serial console.',
      );
    });
  });

  describe('execute', () => {
    it('installs VMAccess with the account in the settings and the password only in the protected settings', async () => {
      const facts = expiredAdmin();
      const plan = planFor(vmaccessReset, passwordExpired, facts, { userName: 'azureadmin' });
      const fake = new FakeAzure();
      const outcome = await vmaccessReset.execute(executionContext(fake, facts, plan.params));
      const password = outcome.secretForProposer!;
      expect(password).toHaveLength(PASSWORD_LENGTH);
      expect(fake.calls).toEqual([
        { method: 'virtualMachineExtensions.list', args: ['rg-prod', 'vm-web-01'] },
        {
          method: EXTENSION,
          args: [
            'rg-prod',
            'vm-web-01',
            'enablevmaccess',
            {
              location: 'westeurope',
              publisher: 'Microsoft.Compute',
              typePropertiesType: 'VMAccessAgent',
              typeHandlerVersion: '2.4',
              autoUpgradeMinorVersion: true,
              forceUpdateTag: PROPOSAL_ID,
              settings: { UserName: 'azureadmin' },
              protectedSettings: { Password: password },
            },
          ],
        },
      ]);
      expect(outcome.summary).toBe(
        'Reset the password of azureadmin on vm-web-01 and its Remote Desktop configuration with VMAccess; the new ' +
          'password went only to the proposer.',
      );
      // The id of the PUT, the second call after the extension list.
      expect(outcome.correlationId).toBe('corr-2');

      // The password is nowhere but the protected settings and the proposer's secret.
      const { protectedSettings, ...rest } = fake.callsTo(EXTENSION)[0].args[3] as Record<string, unknown>;
      expect(protectedSettings).toEqual({ Password: password });
      const visible = JSON.stringify([
        plan,
        fake.callsTo(EXTENSION)[0].args.slice(0, 3),
        rest,
        outcome.summary,
        outcome.correlationId,
      ]);
      expect(visible).not.toContain(password);
    });

    it('writes an installed VMAccess again under its own name: Windows refuses a second one per handler', async () => {
      const facts = expiredAdmin();
      const fake = new FakeAzure();
      fake.answers.set('virtualMachineExtensions.list', {
        value: [
          { name: 'BGInfo', publisher: 'Microsoft.Compute', typePropertiesType: 'BGInfo' },
          { name: 'VMAccessAgent', publisher: 'Microsoft.Compute', typePropertiesType: 'VMAccessAgent' },
        ],
      });
      await vmaccessReset.execute(executionContext(fake, facts, { userName: 'azureadmin' }));
      expect(fake.callsTo(EXTENSION).map((call) => call.args[2])).toEqual(['VMAccessAgent']);
    });

    it("finds the installed VMAccess in ARM's extension list as the REST spec shapes it, through the SDK", async () => {
      // VirtualMachineExtension_List_MaximumSet_Gen.json with its placeholder handler made VMAccess's: the
      // handler sits under `properties`, where `type` is not the resource type at the top.
      const example = JSON.parse(fs.readFileSync(LIST_EXAMPLE, 'utf8')) as {
        responses: { 200: { body: { value: { name: string; properties: Record<string, unknown> }[] } } };
      };
      const listed = example.responses[200].body;
      listed.value[0].name = 'enablevmaccess-legacy';
      Object.assign(listed.value[0].properties, { publisher: 'Microsoft.Compute', type: 'VMAccessAgent' });
      const arm = replay([
        { method: 'GET', path: `${VM_ID}/extensions`, body: listed },
        {
          method: 'PUT',
          path: `${VM_ID}/extensions/enablevmaccess-legacy`,
          body: {
            ...listed.value[0],
            properties: { ...listed.value[0].properties, provisioningState: 'Succeeded' },
          },
        },
      ]);
      const facts = expiredAdmin();
      // The facts' machine (rg-prod/vm-web-01) is the replay's VM_ID.
      const ctx = { ...executionContext(new FakeAzure(), facts, { userName: 'azureadmin' }), sub: arm.sub };
      await vmaccessReset.execute(ctx);
      expect(arm.sent.map((request) => `${request.method} ${request.url.pathname}`)).toEqual([
        `GET ${VM_ID}/extensions`,
        `PUT ${VM_ID}/extensions/enablevmaccess-legacy`,
      ]);
    });

    it('makes a new password each time', async () => {
      const facts = expiredAdmin();
      const fake = new FakeAzure();
      const first = await vmaccessReset.execute(executionContext(fake, facts, { userName: 'azureadmin' }));
      const second = await vmaccessReset.execute(executionContext(fake, facts, { userName: 'azureadmin' }));
      expect(first.secretForProposer).not.toBe(second.secretForProposer);
    });

    it('never lets the password into an error message', async () => {
      const facts = expiredAdmin();
      const fake = new FakeAzure();
      let sent = '';
      fake.failures.set(EXTENSION, (args) => {
        sent = (args[3] as { protectedSettings: { Password: string } }).protectedSettings.Password;
        return restError(
          400,
          'VMExtensionProvisioningError',
          `VMAccess could not set password ${sent} for azureadmin`,
        );
      });
      const error: Error = await vmaccessReset
        .execute(executionContext(fake, facts, { userName: 'azureadmin' }))
        .then(
          () => new Error('expected a failure'),
          (err: Error) => err,
        );
      expect(sent).toHaveLength(PASSWORD_LENGTH);
      expect(error.message).toContain('VMAccess answered 400 VMExtensionProvisioningError');
      expect(error.message).toContain('[redacted]');
      expect(error.message).not.toContain(sent);
    });

    it('checks the stored account name again before it reaches VMAccess', async () => {
      const fake = new FakeAzure();
      await expect(
        vmaccessReset.execute(executionContext(fake, healthyFacts(), { userName: 'x"; net user evil' })),
      ).rejects.toBeInstanceOf(FixRefusal);
      expect(fake.calls).toEqual([]);
    });
  });
});

describe('generatePassword', () => {
  const passwords = Array.from({ length: 300 }, () => generatePassword('azureadmin'));

  it('is 24 characters with every class Azure counts, from the allowed characters only', () => {
    const allowed = new Set(PASSWORD_CLASSES.join(''));
    for (const password of passwords) {
      expect(password).toHaveLength(24);
      for (const chars of PASSWORD_CLASSES) expect([...password].some((c) => chars.includes(c))).toBe(true);
      expect([...password].every((c) => allowed.has(c))).toBe(true);
    }
  });

  it('never repeats', () => {
    expect(new Set(passwords).size).toBe(passwords.length);
  });

  it('draws again when a password contains the account name, whatever its case', () => {
    const draws = ['Xy7!AzureAdmin#kq2Mn8Pw3', 'Xy7!Kq2Mn8Pw3#Rt5Vb9Hj4Z'];
    expect(generatePassword('azureadmin', () => draws.shift()!)).toBe('Xy7!Kq2Mn8Pw3#Rt5Vb9Hj4Z');
  });

  it('leaves out what Slack formats and characters that read alike', () => {
    expect(PASSWORD_CLASSES.join('')).not.toMatch(/[*_~`<>&O0lI1]/);
  });
});
