import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BootDiagnosticsBlobs } from '../api/blobs';
import type { Latency } from '../latency';
import type { RecordedRequest, Recorder } from '../recorder';
import type { World } from '../world';
import type { Operations } from './operations';
import { ArmError, type ArmResponse } from './respond';
import { matchRoute, type Route, type RouteContext } from './router';

// The request pipeline, in ARM's order: authenticate, find the API, check the api-version, check that the
// subscription and resource group exist, wait the latency profile's time, then let the handler answer.

export interface DispatchDependencies {
  routes: readonly Route[];
  world: World;
  operations: Operations;
  latency: Latency;
  recorder: Recorder;
  blobs: BootDiagnosticsBlobs;
  accessToken: string;
  pageSize: number;
  origin(): string;
}

const MAX_BODY_BYTES = 4 * 2 ** 20;

const sleep = (ms: number) =>
  ms > 0 ? new Promise<void>((resolve) => setTimeout(resolve, ms).unref()) : Promise.resolve();

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) {
      throw new ArmError(413, 'RequestEntityTooLarge', 'The request body is larger than 4 MB.');
    }
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new ArmError(
      400,
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized.',
    );
  }
}

function authenticate(request: IncomingMessage, accessToken: string, tenantId: string): void {
  const header = request.headers.authorization;
  const challenge = (description: string) => ({
    'WWW-Authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/${tenantId}", error="invalid_token", error_description="${description}"`,
  });
  if (!header) {
    throw new ArmError(
      401,
      'AuthenticationFailed',
      "Authentication failed. The 'Authorization' header is missing.",
      challenge("The authentication failed because of missing 'Authorization' header."),
    );
  }
  const [scheme, token] = header.split(' ');
  if (scheme?.toLowerCase() !== 'bearer' || token !== accessToken) {
    throw new ArmError(
      401,
      'InvalidAuthenticationToken',
      'The access token is invalid.',
      challenge('The access token is invalid.'),
    );
  }
}

function checkApiVersion(route: Route, apiVersion: string | null): void {
  if (!route.apiVersions) return;
  if (!apiVersion) {
    throw new ArmError(
      400,
      'MissingApiVersionParameter',
      'The api-version query parameter (?api-version=) is required for all requests.',
    );
  }
  if (!route.apiVersions.includes(apiVersion)) {
    throw new ArmError(
      400,
      'InvalidApiVersionParameter',
      `The api-version '${apiVersion}' is invalid. The supported versions are '${route.apiVersions.join(',')}'.`,
    );
  }
}

function checkScope(world: World, params: Record<string, string>): void {
  const { subscriptionId, resourceGroupName } = params;
  if (subscriptionId !== undefined && !world.hasSubscription(subscriptionId)) {
    throw new ArmError(
      404,
      'SubscriptionNotFound',
      `The subscription '${subscriptionId}' could not be found.`,
    );
  }
  if (
    subscriptionId !== undefined &&
    resourceGroupName !== undefined &&
    !world.hasResourceGroup(subscriptionId, resourceGroupName)
  ) {
    throw new ArmError(
      404,
      'ResourceGroupNotFound',
      `Resource group '${resourceGroupName}' could not be found.`,
    );
  }
}

async function serve(
  deps: DispatchDependencies,
  request: IncomingMessage,
  url: URL,
  record: RecordedRequest,
): Promise<ArmResponse> {
  const method = record.method;
  const body = await readBody(request);
  record.body = body;
  const match = matchRoute(deps.routes, method, url.pathname);
  if (match.kind !== 'found' || !match.route.anonymous)
    authenticate(request, deps.accessToken, deps.world.tenantId);
  if (match.kind === 'none') {
    throw new ArmError(
      404,
      'NotFound',
      `The sandbox serves no API at '${url.pathname}'. Check the path against the Azure REST API reference.`,
    );
  }
  if (match.kind === 'wrong-method') {
    throw new ArmError(
      405,
      'MethodNotAllowed',
      `The sandbox does not serve ${method} on this path; it serves ${match.allowed.join(', ')}.`,
    );
  }
  const { route, params } = match;
  checkApiVersion(route, record.apiVersion);
  checkScope(deps.world, params);
  record.write = route.write === true;
  if (!route.poll) await sleep(deps.latency.callMs(`${method} ${url.pathname}`));
  deps.operations.settle();
  const context: RouteContext = {
    method,
    path: url.pathname,
    params,
    query: url.searchParams,
    apiVersion: record.apiVersion ?? '',
    body,
    world: deps.world,
    origin: deps.origin(),
    operations: deps.operations,
    latency: deps.latency,
    blobs: deps.blobs,
    pageSize: deps.pageSize,
    clientAddress: (request.socket.remoteAddress ?? '').replace(/^::ffff:/, ''),
    record,
  };
  return route.handle(context);
}

function send(request: IncomingMessage, response: ServerResponse, answer: ArmResponse): void {
  const headers: Record<string, string> = {
    'x-ms-request-id': randomUUID(),
    'x-ms-correlation-request-id': String(request.headers['x-ms-correlation-request-id'] ?? randomUUID()),
    'Cache-Control': 'no-cache',
    ...answer.headers,
  };
  let payload: Buffer | string = '';
  if (answer.raw) {
    headers['Content-Type'] = answer.raw.contentType;
    payload = answer.raw.data;
  } else if (answer.body !== undefined) {
    headers['Content-Type'] = 'application/json; charset=utf-8';
    payload = JSON.stringify(answer.body);
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  response.writeHead(answer.status, headers);
  response.end(payload);
}

export function createDispatcher(deps: DispatchDependencies) {
  return async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    // Concatenated, not resolved: the Monitor SDK sends `//subscriptions/…`, which resolving would read as a host.
    const url = new URL(`https://sandbox.invalid${request.url ?? '/'}`);
    const method = (request.method ?? 'GET').toUpperCase();
    const record = deps.recorder.start(
      method,
      url.pathname,
      url.searchParams.get('api-version'),
      deps.world.now(),
    );
    let answer: ArmResponse;
    try {
      answer = await serve(deps, request, url, record);
    } catch (error) {
      answer =
        error instanceof ArmError
          ? error.toResponse()
          : new ArmError(
              500,
              'InternalServerError',
              `The sandbox failed to answer: ${(error as Error).message}`,
            ).toResponse();
    }
    if (!response.destroyed) send(request, response, answer);
    deps.recorder.finish(record, answer.status, deps.world.now());
  };
}
