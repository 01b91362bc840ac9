// Child process for the kill -9 test (plain node, so it compiles the store's TypeScript on the fly).
// It opens the SQLite store under argv[2] and, until it is killed, proposes and approves fixes, printing
// each proposal id only after its approval committed. With argv[3] = 'execute' it instead claims one
// execution, prints its id and hangs mid-execution.
require('../support/register-ts.js');

const { openStore } = require('../../src/store/open.ts');
const { ApprovalWorkflow } = require('../../src/approvals/workflow.ts');

const request = {
  vmId: '/subscriptions/s/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01',
  vmName: 'web-01',
  fixId: 'start-termservice',
  cause: 'termservice-not-running',
  params: {},
  proposer: 'U0PROPOSER',
};

async function main() {
  const store = await openStore({ dataDir: process.argv[2] });
  const workflow = new ApprovalWorkflow({ store, clock: () => new Date() });
  if (process.argv[3] === 'execute') {
    const { proposal } = await workflow.propose(request);
    await workflow.approve(proposal.id, 'U0APPROVER', 'any-member');
    await workflow.claimExecution(proposal.id, `crash-writer:${process.pid}`);
    process.stdout.write(`${proposal.id}\n`);
    setInterval(() => undefined, 1000);
    return;
  }
  for (;;) {
    const { proposal } = await workflow.propose(request);
    await workflow.approve(proposal.id, 'U0APPROVER', 'any-member');
    process.stdout.write(`${proposal.id}\n`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
