import type { Logger } from './logger';

// No request may end the process: a fault that escapes every handler (a rejected promise nobody awaited,
// an exception thrown from a callback) is logged and the process keeps serving, so the fixes running in
// it are not killed with it.

export function keepServingThroughFaults(logger: Logger): void {
  process.on('unhandledRejection', (reason) => {
    logger.error({ err: reason }, 'a promise failed with no handler; the app keeps serving');
  });
  process.on('uncaughtException', (error, origin) => {
    logger.error({ err: error, origin }, 'an exception escaped every handler; the app keeps serving');
  });
}
