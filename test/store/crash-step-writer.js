// Child process for the one-transaction-per-step test (plain node, so it compiles the store's TypeScript
// on the fly). argv: <dataDir> <databaseUrl or ''> <step> <pause>. It walks one proposal up to `step`
// (propose, approve, deny, claim, finish) and then hangs, so the parent can kill -9 it there:
// pause = 'between': at the audit row of the step, after its transition was sent (where the audit row
//   used to be written as a separate statement); the line it prints is `between <proposalId>`.
// pause = 'after': once the step returned; the line it prints is `after <proposalId>`.
require('../support/register-ts.js');

const { migrate } = require('../../src/store/migrations.ts');
const { openPostgres } = require('../../src/store/postgres.ts');
const { openSqlite } = require('../../src/store/sqlite.ts');
const { sqlStore } = require('../../src/store/sql-store.ts');
const { ApprovalWorkflow } = require('../../src/approvals/workflow.ts');

const [dataDir, databaseUrl, step, pause] = process.argv.slice(2);

/** The audit action each step writes with its transition. */
const ACTION = {
  propose: 'proposed',
  approve: 'approved',
  deny: 'denied',
  claim: 'executing',
  finish: 'succeeded',
};

const hang = () => new Promise(() => setInterval(() => undefined, 1000));

/** The database, with the step's audit INSERT held forever once it is reached. */
function holdingAuditOf(db) {
  const query =
    (inner) =>
    async (sql, params = []) => {
      if (
        pause === 'between' &&
        sql.trimStart().startsWith('INSERT INTO audit_log') &&
        params[2] === ACTION[step]
      ) {
        process.stdout.write(`between ${params[3]}\n`);
        return hang();
      }
      return inner.query(sql, params);
    };
  const wrap = (inner) => ({
    dialect: inner.dialect,
    query: query(inner),
    transaction: (work) => inner.transaction((tx) => work(wrap(tx))),
    close: () => inner.close(),
  });
  return wrap(db);
}

async function main() {
  const db = databaseUrl ? await openPostgres(databaseUrl) : openSqlite(dataDir);
  await migrate(db, new Date());
  const store = sqlStore(holdingAuditOf(db), () => new Date());
  const workflow = new ApprovalWorkflow({ store, clock: () => new Date() });
  const proposed = await workflow.propose({
    vmId: '/subscriptions/s/resourceGroups/rg-web/providers/Microsoft.Compute/virtualMachines/web-01',
    vmName: 'web-01',
    fixId: 'start-termservice',
    cause: 'termservice-not-running',
    params: {},
    proposer: 'U0PROPOSER',
  });
  const id = proposed.proposal.id;
  if (step === 'deny') await workflow.deny(id, 'U0APPROVER', 'change freeze');
  if (step === 'approve' || step === 'claim' || step === 'finish')
    await workflow.approve(id, 'U0APPROVER', 'any-member');
  if (step === 'claim' || step === 'finish') await workflow.claimExecution(id, 'crash-step-writer');
  if (step === 'finish') await workflow.finish(id, 'crash-step-writer', 'succeeded', { detail: 'verified' });
  process.stdout.write(`after ${id}\n`);
  await hang();
}

main().catch((error) => {
  process.stderr.write(`${error.stack}\n`);
  process.exit(1);
});
