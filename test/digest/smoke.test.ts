import { createAzureClients } from '../../src/azure/clients';
import { azureFleetReader } from '../../src/azure/fleet';
import { assessFleet } from '../../src/digest/assess';
import { startSandbox } from '../../src/sandbox/server';

test('smoke', async () => {
  const sandbox = await startSandbox({ scenarios: [], fleet: { size: 2000 } });
  const clients = createAzureClients({ endpoint: sandbox.endpoint, subscriptionIds: [sandbox.subscriptionId], accessToken: sandbox.accessToken, caCertificate: sandbox.caCertificate });
  const started = Date.now();
  const inv = await azureFleetReader(clients).inventory({ subscriptions: [sandbox.subscriptionId], resourceGroups: [], tags: [] });
  console.log(Date.now() - started, inv.machines.length, inv.calls, JSON.stringify(inv.machines[5]).slice(0, 1500));
  const findings = assessFleet(inv.machines, { now: new Date().toISOString(), previous: null });
  const counts: Record<string, number> = {};
  for (const f of findings) counts[f.risk] = (counts[f.risk] ?? 0) + 1;
  console.log(counts, Object.fromEntries(Object.entries(sandbox.fleet!).map(([k, v]) => [k, v.length])));
  console.log(findings.slice(0, 3));
  await sandbox.stop();
});
