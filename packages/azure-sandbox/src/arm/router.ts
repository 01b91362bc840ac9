import type { Latency } from '../latency';
import type { RecordedRequest } from '../recorder';
import type { VirtualMachine, World } from '../world';
import type { ArmResponse } from './respond';

// A small router over ARM path templates. Literal segments match case-insensitively (ARM treats provider
// namespaces, types and names so); `{name}` captures one segment, `{*name}` one or more (a resource id).

export type OperationOutcome =
  { status: 'Succeeded'; result?: unknown } | { status: 'Failed'; error: { code: string; message: string } };

export interface OperationStart {
  provider: 'Microsoft.Compute' | 'Microsoft.Network';
  /** The action, e.g. `runCommand`; with `target` it finds operations still running on a resource. */
  name: string;
  target: string;
  subscriptionId: string;
  location: string;
  /** Time until the operation finishes; Infinity for one that never does. */
  durationMs: number;
  /** Compute reports a Run Command's output in the status body too (`properties.output`). */
  outputInStatus?: boolean;
  /** Applies the operation to the world and says how it ended; runs once, when the operation is due. */
  complete(): OperationOutcome;
}

export interface StartedOperation {
  asyncOperation: string;
  location: string;
  retryAfter: string;
}

/** The long-running operations a handler may start or ask about; arm/operations keeps them. */
export interface OperationDesk {
  begin(ctx: RouteContext, start: OperationStart): StartedOperation;
  running(name: string, target: string): boolean;
  /** Ends every operation of this name still running on the resource now, with `outcome`. */
  end(name: string, target: string, outcome: OperationOutcome): void;
}

/** The signed links to a VM's boot diagnostics blobs; api/blobs serves them. */
export interface BlobLinks {
  uris(
    origin: string,
    vm: VirtualMachine,
    minutes: number,
  ): { consoleScreenshotBlobUri: string; serialConsoleLogBlobUri: string };
}

export interface RouteContext {
  method: string;
  /** The request path, without the query string. */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  apiVersion: string;
  body: unknown;
  world: World;
  /** `https://127.0.0.1:<port>`: the base of every URL the emulator hands out. */
  origin: string;
  operations: OperationDesk;
  latency: Latency;
  blobs: BlobLinks;
  /** Items per page of a list before it continues at `nextLink`. */
  pageSize: number;
  /** The caller's IP address, as ARM sees it (JIT requests default their source to it). */
  clientAddress: string;
  record: RecordedRequest;
}

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  /** The api-versions accepted; null for the blob endpoint, which takes none. */
  apiVersions: readonly string[] | null;
  /** SAS-signed blob downloads carry no bearer token. */
  anonymous?: boolean;
  /** Changes the world: listed by the sandbox's `writes()`. */
  write?: boolean;
  /** A status poll or result fetch of a long-running operation. */
  poll?: boolean;
  handle(ctx: RouteContext): ArmResponse | Promise<ArmResponse>;
}

function segments(path: string): string[] {
  return path.split('/').filter((segment) => segment.length > 0);
}

function matchSegments(pattern: string[], actual: string[], params: Record<string, string>): boolean {
  if (pattern.length === 0) return actual.length === 0;
  const [head, ...rest] = pattern;
  const greedy = /^\{\*(\w+)\}$/.exec(head);
  if (greedy) {
    for (let take = actual.length - rest.length; take >= 1; take--) {
      if (matchSegments(rest, actual.slice(take), params)) {
        params[greedy[1]] = `/${actual.slice(0, take).map(decodeURIComponent).join('/')}`;
        return true;
      }
    }
    return false;
  }
  if (actual.length === 0) return false;
  const param = /^\{(\w+)\}$/.exec(head);
  if (param) params[param[1]] = decodeURIComponent(actual[0]);
  else if (head.toLowerCase() !== actual[0].toLowerCase()) return false;
  return matchSegments(rest, actual.slice(1), params);
}

export type RouteMatch =
  | { kind: 'found'; route: Route; params: Record<string, string> }
  | { kind: 'wrong-method'; allowed: string[] }
  | { kind: 'none' };

export function matchRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
  const actual = segments(path);
  const allowed: string[] = [];
  for (const route of routes) {
    const params: Record<string, string> = {};
    if (!matchSegments(segments(route.path), actual, params)) continue;
    if (route.method === method) return { kind: 'found', route, params };
    allowed.push(route.method);
  }
  return allowed.length > 0 ? { kind: 'wrong-method', allowed } : { kind: 'none' };
}
