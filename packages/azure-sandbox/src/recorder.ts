// Every request the emulator served, for tests ("no writes during a diagnosis") and the benchmark
// ("sum of all calls' latencies" against the wall clock of one diagnosis).

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  apiVersion: string | null;
  status: number;
  /** Epoch ms when the request arrived. */
  startedAt: number;
  /**
   * How long the caller waited for the answer. For the request that starts a long-running operation, this
   * runs until a poll first reported the operation finished, so it is the latency of the whole call.
   */
  durationMs: number;
  /** An attempt to change the world (PUT, and POST actions such as start or initiate), whatever the answer. */
  write: boolean;
  /** Set on the request that started a long-running operation. */
  operationId?: string;
  /** Set on status polls and result fetches: the operation they follow. Not calls of their own. */
  pollOf?: string;
  /** The JSON body as sent, for tests that check where a secret travelled. */
  body?: unknown;
}

export class Recorder {
  readonly requests: RecordedRequest[] = [];

  start(method: string, path: string, apiVersion: string | null, startedAt: number): RecordedRequest {
    const record: RecordedRequest = {
      method,
      path,
      apiVersion,
      status: 0,
      startedAt,
      durationMs: 0,
      write: false,
    };
    this.requests.push(record);
    return record;
  }

  finish(record: RecordedRequest, status: number, finishedAt: number): void {
    record.status = status;
    // An operation already observed finished keeps its whole duration.
    record.durationMs = Math.max(record.durationMs, finishedAt - record.startedAt);
  }

  writes(): RecordedRequest[] {
    return this.requests.filter((record) => record.write);
  }
}
