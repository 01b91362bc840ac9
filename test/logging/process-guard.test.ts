import { spawn } from 'node:child_process';
import path from 'node:path';

// A fault that escapes every handler, in a process that installed the guard: it is logged and the
// process keeps running. Without the guard, Node ends the process on either.

const REGISTER_TS = path.join(__dirname, '..', 'support', 'register-ts.js');
const ROOT = path.join(__dirname, '..', '..');

function run(guarded: boolean): Promise<{ code: number | null; stdout: string }> {
  const script = `
    const { createLogger } = require('./src/logger');
    const { keepServingThroughFaults } = require('./src/process-guard');
    const logger = createLogger('info');
    if (${guarded}) keepServingThroughFaults(logger);
    Promise.reject(new Error('rejected with no handler'));
    setImmediate(() => { throw new Error('thrown from a callback'); });
    setTimeout(() => { process.stdout.write('still serving\\n'); process.exit(0); }, 200);
  `;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['-r', REGISTER_TS, '-e', script], { cwd: ROOT });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

test('an unhandled rejection and an uncaught exception are logged and the process keeps serving', async () => {
  const { code, stdout } = await run(true);
  expect(code).toBe(0);
  expect(stdout).toContain('still serving');
  expect(stdout).toContain('rejected with no handler');
  expect(stdout).toContain('thrown from a callback');
});

test('without the guard the same faults end the process', async () => {
  const { code, stdout } = await run(false);
  expect(code).not.toBe(0);
  expect(stdout).not.toContain('still serving');
});
