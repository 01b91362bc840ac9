import https from 'node:https';

// The one HTTPS client of the sandbox's admin API (api/admin.ts, docs/sandbox.md "Admin API"), for
// whoever makes a change as a colleague would: the local workspace's harden button, the watch benchmark,
// the tests. It sends what a newcomer's curl would: the bearer token, JSON, trusting the sandbox's CA.

/** Where the sandbox answers and how it is trusted, as its `startSandbox` result gives them. */
export interface AdminTarget {
  endpoint: string;
  caCertificate: string;
  accessToken: string;
}

export interface AdminAnswer {
  status: number;
  body: unknown;
}

/** An ARM security rule, route or other resource body: `{ properties: { … } }`. */
export interface ArmBody {
  properties: Record<string, unknown>;
}

export interface SandboxAdmin {
  /** Creates or replaces the rule; logs `…/securityRules/write`. 201 with the rule. */
  putSecurityRule(change: {
    caller: string;
    nsgId: string;
    name: string;
    rule: ArmBody;
  }): Promise<AdminAnswer>;
  /** Deletes the rule (an allow rule people depend on, or a deny); logs `…/securityRules/delete`. 404 when absent. */
  deleteSecurityRule(change: { caller: string; nsgId: string; name: string }): Promise<AdminAnswer>;
  /** Creates or replaces a route in an existing route table; logs `…/routeTables/routes/write`. */
  putRoute(change: {
    caller: string;
    routeTableId: string;
    name: string;
    route: ArmBody;
  }): Promise<AdminAnswer>;
  /** Associates a route table with a subnet, or none with null; logs `…/virtualNetworks/subnets/write`. */
  setSubnetRouteTable(change: {
    caller: string;
    subnetId: string;
    routeTableId: string | null;
  }): Promise<AdminAnswer>;
  /** Takes a public IP off its NIC and deletes it; logs `…/networkInterfaces/write` and `…/publicIPAddresses/delete`. */
  releasePublicIp(change: { caller: string; publicIpId: string }): Promise<AdminAnswer>;
  /** Deallocates a VM at once; logs `…/virtualMachines/deallocate/action`. */
  deallocateVm(change: { caller: string; vmId: string }): Promise<AdminAnswer>;
}

function post(target: AdminTarget, path: string, body: unknown): Promise<AdminAnswer> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = https.request(
      `${target.endpoint}${path}`,
      {
        method: 'POST',
        ca: target.caCertificate,
        headers: {
          authorization: `Bearer ${target.accessToken}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: unknown = null;
          try {
            parsed = text ? (JSON.parse(text) as unknown) : null;
          } catch {
            parsed = text;
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

export function sandboxAdmin(target: AdminTarget): SandboxAdmin {
  return {
    putSecurityRule: (change) => post(target, '/admin/security-rules', change),
    deleteSecurityRule: (change) => post(target, '/admin/security-rules/delete', change),
    putRoute: (change) => post(target, '/admin/routes', change),
    setSubnetRouteTable: (change) => post(target, '/admin/subnets/route-table', change),
    releasePublicIp: (change) => post(target, '/admin/public-ips/release', change),
    deallocateVm: (change) => post(target, '/admin/virtual-machines/deallocate', change),
  };
}
