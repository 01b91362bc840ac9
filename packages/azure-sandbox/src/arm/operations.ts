import { randomUUID } from 'node:crypto';
import type { RecordedRequest } from '../recorder';
import { API_VERSIONS } from './api-versions';
import { ArmError, type ArmResponse } from './respond';
import type {
  OperationDesk,
  OperationOutcome,
  OperationStart,
  Route,
  RouteContext,
  StartedOperation,
} from './router';

// ARM's long-running-operation protocol. The starting request answers 202 (or 201 for a PUT) with an
// `Azure-AsyncOperation` status URL, a `Location` result URL and `Retry-After`; the status URL says
// `InProgress` until the operation is due, then `Succeeded` or `Failed`; the result URL answers 202 until
// then and the final body after. An operation's effect on the world is applied once, when it is due, by
// `settle()`, which the emulator calls before every request, so all readers see one consistent world.

interface Operation extends OperationStart {
  id: string;
  startedAt: number;
  dueAt: number;
  outcome?: OperationOutcome;
  record: RecordedRequest;
  observed: boolean;
}

/** How ARM answers a POST action that started an operation: 202, no body, where to poll. */
export function accepted(started: StartedOperation): ArmResponse {
  return {
    status: 202,
    headers: {
      'Azure-AsyncOperation': started.asyncOperation,
      Location: started.location,
      'Retry-After': started.retryAfter,
    },
  };
}

/** How ARM answers a PUT that started an operation: the resource as requested, and where to poll. */
export function acceptedPut(status: 200 | 201, body: unknown, started: StartedOperation): ArmResponse {
  return {
    status,
    body,
    headers: { 'Azure-AsyncOperation': started.asyncOperation, 'Retry-After': started.retryAfter },
  };
}

/** A poll this close to the end is held until the end instead of sent back with a whole-second Retry-After. */
const HOLD_MS = 1000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export class Operations implements OperationDesk {
  private readonly all = new Map<string, Operation>();
  private readonly pending = new Set<Operation>();

  constructor(private readonly now: () => number) {}

  /** Starts an operation for the request in `ctx`; returns the headers the starting response carries. */
  begin(ctx: RouteContext, start: OperationStart): StartedOperation {
    const startedAt = this.now();
    const operation: Operation = {
      ...start,
      id: randomUUID(),
      startedAt,
      dueAt: startedAt + start.durationMs,
      record: ctx.record,
      observed: false,
    };
    this.all.set(operation.id, operation);
    this.pending.add(operation);
    ctx.record.operationId = operation.id;
    const base = `${ctx.origin}/subscriptions/${start.subscriptionId}/providers/${start.provider}/locations/${start.location}`;
    const query = `api-version=${ctx.apiVersion}`;
    return {
      asyncOperation: `${base}/operations/${operation.id}?${query}`,
      location:
        start.provider === 'Microsoft.Compute'
          ? `${base}/operations/${operation.id}?monitor=true&${query}`
          : `${base}/operationResults/${operation.id}?${query}`,
      retryAfter: String(this.retryAfterSeconds(operation)),
    };
  }

  /** Applies every operation that is due, in the order they finish. */
  settle(): void {
    const now = this.now();
    const due = [...this.pending].filter((op) => op.dueAt <= now).sort((a, b) => a.dueAt - b.dueAt);
    for (const operation of due) {
      this.pending.delete(operation);
      operation.outcome = operation.complete();
    }
  }

  /** Whether an operation of this name is still running on the resource. */
  running(name: string, target: string): boolean {
    return [...this.pending].some(
      (op) => op.name === name && op.target.toLowerCase() === target.toLowerCase(),
    );
  }

  end(name: string, target: string, outcome: OperationOutcome): void {
    for (const operation of this.pending) {
      if (operation.name !== name || operation.target.toLowerCase() !== target.toLowerCase()) continue;
      this.pending.delete(operation);
      operation.dueAt = this.now();
      operation.outcome = outcome;
    }
  }

  /**
   * Whole seconds, at least 1: core-lro ignores `Retry-After: 0` and falls back to its 2 s default. The SDK
   * polls once right after the starting request anyway, so an operation with no latency ends in one poll.
   */
  private retryAfterSeconds(operation: Operation): number {
    const remaining = operation.dueAt - this.now();
    return Number.isFinite(remaining) ? Math.min(60, Math.max(1, Math.floor(remaining / 1000))) : 1;
  }

  private async follow(ctx: RouteContext): Promise<Operation> {
    const operation = this.all.get(ctx.params.operationId.toLowerCase());
    if (!operation) {
      throw new ArmError(404, 'NotFound', `The operation '${ctx.params.operationId}' was not found.`);
    }
    ctx.record.pollOf = operation.id;
    this.settle();
    const remaining = operation.dueAt - this.now();
    if (!operation.outcome && remaining <= HOLD_MS) {
      await sleep(remaining);
      this.settle();
    }
    if (operation.outcome && !operation.observed) {
      operation.observed = true;
      operation.record.durationMs = this.now() - operation.record.startedAt;
    }
    return operation;
  }

  private async status(ctx: RouteContext): Promise<ArmResponse> {
    const operation = await this.follow(ctx);
    const outcome = operation.outcome;
    const inProgress = { 'Retry-After': String(this.retryAfterSeconds(operation)) };
    if (operation.provider === 'Microsoft.Network') {
      if (!outcome) return { status: 200, body: { status: 'InProgress' }, headers: inProgress };
      return { status: 200, body: outcome.status === 'Failed' ? outcome : { status: outcome.status } };
    }
    const body = {
      startTime: new Date(operation.startedAt).toISOString(),
      ...(outcome ? { endTime: new Date(operation.dueAt).toISOString() } : {}),
      status: outcome?.status ?? 'InProgress',
      ...(outcome?.status === 'Succeeded' && operation.outputInStatus
        ? { properties: { output: outcome.result } }
        : {}),
      ...(outcome?.status === 'Failed' ? { error: outcome.error } : {}),
      name: operation.id,
    };
    return { status: 200, body, headers: outcome ? {} : inProgress };
  }

  private async result(ctx: RouteContext, url: string): Promise<ArmResponse> {
    const operation = await this.follow(ctx);
    const outcome = operation.outcome;
    if (!outcome) {
      return {
        status: 202,
        headers: { Location: url, 'Retry-After': String(this.retryAfterSeconds(operation)) },
      };
    }
    if (outcome.status === 'Failed') {
      return new ArmError(409, outcome.error.code, outcome.error.message).toResponse();
    }
    return outcome.result === undefined ? { status: 200 } : { status: 200, body: outcome.result };
  }

  /** The polling endpoints the URLs from `begin` point at. */
  routes(): Route[] {
    const resultUrl = (ctx: RouteContext) => `${ctx.origin}${ctx.path}?${ctx.query.toString()}`;
    const base = '/subscriptions/{subscriptionId}/providers';
    return [
      {
        method: 'GET',
        path: `${base}/Microsoft.Compute/locations/{location}/operations/{operationId}`,
        apiVersions: API_VERSIONS.compute,
        poll: true,
        handle: (ctx) =>
          ctx.query.get('monitor') === 'true' ? this.result(ctx, resultUrl(ctx)) : this.status(ctx),
      },
      {
        method: 'GET',
        path: `${base}/Microsoft.Network/locations/{location}/operations/{operationId}`,
        apiVersions: API_VERSIONS.network,
        poll: true,
        handle: (ctx) => this.status(ctx),
      },
      {
        method: 'GET',
        path: `${base}/Microsoft.Network/locations/{location}/operationResults/{operationId}`,
        apiVersions: API_VERSIONS.network,
        poll: true,
        handle: (ctx) => this.result(ctx, resultUrl(ctx)),
      },
    ];
  }
}
