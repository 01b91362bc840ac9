import type { RetrieveBootDiagnosticsDataResult } from '@azure/arm-compute';
import type { BootDiagnosticsFacts } from '../../diagnosis/facts';
import { callAzure, isAbort } from '../errors';
import type { Gatherer } from '../gatherer';
import { SECOND } from './common';

// The console screenshot and the end of the serial log: whether Windows reached sign-in at all.

const SCREENSHOT_MAX_BYTES = 8 * 2 ** 20;
const SERIAL_TAIL_BYTES = 8 * 1024;

/** A blob URI without its SAS token: the token is a credential and must not reach a channel or a log. */
export function withoutSas(uri: string | undefined): string | null {
  if (!uri) return null;
  const query = uri.indexOf('?');
  return query === -1 ? uri : uri.slice(0, query);
}

/** The serial log's last bytes as text; the cut may split a character or a line, so both are dropped. */
export function serialLogTail(log: Buffer): string {
  const text = log.toString('utf8').replace(/\0/g, '');
  const firstBreak = log.length >= SERIAL_TAIL_BYTES ? text.indexOf('\n') : -1;
  return firstBreak === -1 ? text : text.slice(firstBreak + 1);
}

export function bootDiagnosticsFactsOf(
  data: RetrieveBootDiagnosticsDataResult,
  screenshot: Buffer | null,
  serialLog: Buffer | null,
): BootDiagnosticsFacts {
  return {
    screenshotUri: withoutSas(data.consoleScreenshotBlobUri),
    serialLogUri: withoutSas(data.serialConsoleLogBlobUri),
    screenshotBytes: screenshot ? screenshot.length : null,
    serialLogTail: serialLog ? serialLogTail(serialLog) : null,
  };
}

export const bootDiagnosticsGatherer: Gatherer<'bootDiagnostics'> = {
  key: 'bootDiagnostics',
  // One ARM call and two blob downloads.
  timeoutMs: 30 * SECOND,
  skip: ({ vm }) =>
    vm.bootDiagnosticsEnabled
      ? null
      : `Boot diagnostics is disabled on ${vm.name}: no screenshot and no serial log`,
  async gather({ clients, sub, vm, signal, attach }) {
    const data = await callAzure('Boot diagnostics', () =>
      sub.compute.virtualMachines.retrieveBootDiagnosticsData(vm.resourceGroup, vm.name, {
        sasUriExpirationTimeInMinutes: 5,
        abortSignal: signal,
      }),
    );
    // A blob that cannot be read leaves its field null, as the fact says; only a timeout stops the gatherer.
    const download = async (uri: string | undefined, maxBytes: number, keep: 'head' | 'tail') => {
      if (!uri) return null;
      try {
        return await clients.fetchBlob(uri, maxBytes, signal, keep);
      } catch (err) {
        if (isAbort(err) || signal.aborted) throw err;
        return null;
      }
    };
    const [screenshot, serialLog] = await Promise.all([
      download(data.consoleScreenshotBlobUri, SCREENSHOT_MAX_BYTES, 'head'),
      download(data.serialConsoleLogBlobUri, SERIAL_TAIL_BYTES, 'tail'),
    ]);
    if (screenshot && screenshot.length > 0) attach?.({ kind: 'boot-screenshot', bytes: screenshot });
    return bootDiagnosticsFactsOf(data, screenshot, serialLog);
  },
};
