import { createServer, type Server } from 'node:net';
import { createAzureClients } from '../../src/azure/clients';
import { startSandbox, type Sandbox } from '@rdp-doctor/azure-sandbox';

// The SDK clients share one keep-alive agent with one TLS context, except behind a proxy: a custom agent
// would carry the calls past the proxy, so there the SDK's proxy agent is left to do it.

let sandbox: Sandbox;
let proxy: Server;
let proxyPort: number;
const proxied: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ scenarios: [] });
  proxy = createServer((socket) => {
    socket.once('data', (request) => {
      proxied.push(request.toString('latin1').split('\r\n')[0]);
      socket.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyPort = (proxy.address() as { port: number }).port;
});
afterAll(async () => {
  proxy.close();
  await sandbox.stop();
});

function clients(env: NodeJS.ProcessEnv) {
  return createAzureClients(
    {
      endpoint: sandbox.endpoint,
      subscriptionIds: [sandbox.subscriptionId],
      accessToken: sandbox.accessToken,
      caCertificate: sandbox.caCertificate,
      maxRetries: 0,
    },
    undefined,
    env,
  );
}

async function listVms(env: NodeJS.ProcessEnv) {
  const { compute } = clients(env).forSubscription(sandbox.subscriptionId);
  const names: string[] = [];
  for await (const vm of compute.virtualMachines.listAll()) names.push(vm.name ?? '');
  return names;
}

test('without a proxy, calls go straight to ARM over the shared agent', async () => {
  const before = proxied.length;
  await expect(listVms({})).resolves.toEqual(expect.any(Array));
  expect(proxied.length).toBe(before);
});

test('with HTTPS_PROXY set, calls go through the proxy', async () => {
  const variable = `http://127.0.0.1:${proxyPort}`;
  // The SDK reads the proxy from the process's environment when a client is built.
  const saved = process.env.HTTPS_PROXY;
  process.env.HTTPS_PROXY = variable;
  try {
    await expect(listVms({ HTTPS_PROXY: variable })).rejects.toThrow();
  } finally {
    if (saved === undefined) delete process.env.HTTPS_PROXY;
    else process.env.HTTPS_PROXY = saved;
  }
  const { host } = new URL(sandbox.endpoint);
  expect(proxied).toContain(`CONNECT ${host} HTTP/1.1`);
});
