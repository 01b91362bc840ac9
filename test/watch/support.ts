import https from 'node:https';
import type { Sandbox } from '@rdp-doctor/azure-sandbox';

// Calls the sandbox's admin API the way a newcomer's curl would: bearer token, the sandbox's own CA.

export function adminCall(
  sandbox: Sandbox,
  path: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${sandbox.endpoint}${path}`,
      {
        method: 'POST',
        ca: sandbox.caCertificate,
        headers: {
          authorization: `Bearer ${sandbox.accessToken}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => (text += chunk.toString()));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, body: JSON.parse(text || 'null') }),
        );
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

/** The NSG on the NIC of the named VM in the sandbox. */
export function nicNsgOf(sandbox: Sandbox, vmName: string): string {
  const vm = [...sandbox.state.vms.values()].find((candidate) => candidate.name === vmName);
  const nicId = vm?.nicIds[0];
  const nsgId = nicId ? sandbox.state.nics.get(nicId)?.nsgId : undefined;
  if (!nsgId) throw new Error(`the sandbox has no NIC NSG for ${vmName}`);
  return nsgId;
}

export const denyRdpRule = (priority = 100) => ({
  properties: {
    priority,
    direction: 'Inbound',
    access: 'Deny',
    protocol: 'Tcp',
    sourceAddressPrefix: '*',
    sourcePortRange: '*',
    destinationAddressPrefix: '*',
    destinationPortRange: '3389',
  },
});
