import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { consoleBitmap } from '../console-bitmap';
import type { ArmResponse } from '../arm/respond';
import type { Route } from '../arm/router';
import type { VirtualMachine, World } from '../world';

// Boot diagnostics blobs. `retrieveBootDiagnosticsData` hands out read-only SAS URIs; the emulator serves
// them itself, on the same HTTPS origin, and checks the signature and expiry the way Blob Storage does.

const STORAGE_VERSION = '2022-11-02';

function storageError(status: number, code: string, message: string): ArmResponse {
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nTime:${new Date().toISOString()}</Message></Error>`;
  return { status, raw: { contentType: 'application/xml', data: body } };
}

export class BootDiagnosticsBlobs {
  private readonly key = randomBytes(32);

  constructor(private readonly world: World) {}

  private sign(path: string, expiry: string): string {
    return createHmac('sha256', this.key).update(`${path}\n${expiry}`).digest('base64');
  }

  private url(origin: string, path: string, expiresAt: number): string {
    const expiry = new Date(expiresAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const query = new URLSearchParams({
      sv: STORAGE_VERSION,
      sr: 'b',
      sp: 'r',
      se: expiry,
      sig: this.sign(path, expiry),
    });
    return `${origin}${path}?${query.toString()}`;
  }

  /** The SAS URIs `retrieveBootDiagnosticsData` returns. */
  uris(origin: string, vm: VirtualMachine, minutes: number) {
    const expiresAt = this.world.now() + minutes * 60_000;
    const base = `/bootdiagnostics/${vm.vmId}/${vm.name}.${vm.vmId}`;
    return {
      consoleScreenshotBlobUri: this.url(origin, `${base}.screenshot.bmp`, expiresAt),
      serialConsoleLogBlobUri: this.url(origin, `${base}.serialconsole.log`, expiresAt),
    };
  }

  private authorized(path: string, query: URLSearchParams): boolean {
    const expiry = query.get('se');
    const signature = Buffer.from(query.get('sig') ?? '', 'base64');
    const expected = Buffer.from(this.sign(path, expiry ?? ''), 'base64');
    const valid =
      expiry !== null && signature.length === expected.length && timingSafeEqual(signature, expected);
    return valid && Date.parse(expiry) > this.world.now();
  }

  route(): Route {
    return {
      method: 'GET',
      path: '/bootdiagnostics/{vmId}/{blob}',
      apiVersions: null,
      anonymous: true,
      handle: (ctx) => {
        if (!this.authorized(ctx.path, ctx.query)) {
          return storageError(
            403,
            'AuthenticationFailed',
            'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
          );
        }
        const vm = [...this.world.vms.values()].find((candidate) => candidate.vmId === ctx.params.vmId);
        const blob = ctx.params.blob;
        if (vm && blob.endsWith('.screenshot.bmp')) {
          return {
            status: 200,
            raw: { contentType: 'application/octet-stream', data: consoleBitmap(vm.console) },
          };
        }
        if (vm && blob.endsWith('.serialconsole.log')) {
          return { status: 200, raw: { contentType: 'application/octet-stream', data: vm.serialLog } };
        }
        return storageError(404, 'BlobNotFound', 'The specified blob does not exist.');
      },
    };
  }
}
