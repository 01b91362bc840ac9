// Turns what the Azure SDK throws into errors a person can act on: which service answered, the HTTP
// status and ARM error code, what it means, and what to do next. Only the ARM error's own message is
// quoted: never the request, whose headers carry the bearer token.

const STATUS_NAMES: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  409: 'Conflict',
  429: 'TooManyRequests',
  500: 'InternalServerError',
  502: 'BadGateway',
  503: 'ServiceUnavailable',
  504: 'GatewayTimeout',
};

const STATUS_ADVICE: Record<number, string> = {
  401: 'the credential was refused; sign in again (az login) or check the managed identity',
  403: "the identity rdp-doctor runs as lacks a role for this call; grant it on the VM's resource group",
  404: 'it may have been deleted or moved; check the name and the subscription',
  409: 'another operation is changing this resource; wait for it to finish and retry',
  429: 'retry later',
};

/** What a caller knows about a status or ARM code that ARM's own message does not say. */
export type ErrorHints = Partial<Record<number | string, string>>;

/** An Azure call that failed, with the status and ARM code kept for code that needs to tell them apart. */
export class AzureCallError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null,
    readonly code: string | null,
  ) {
    super(message);
    this.name = 'AzureCallError';
  }
}

interface RestErrorLike {
  name: 'RestError';
  message: string;
  code?: string;
  statusCode?: number;
  response?: { headers: { get(name: string): string | undefined } };
}

function isRestError(err: unknown): err is RestErrorLike {
  return typeof err === 'object' && err !== null && (err as { name?: unknown }).name === 'RestError';
}

/** An abort is the pipeline's timeout speaking: it must reach the pipeline unchanged. */
export function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

/**
 * What the SDK says in place of ARM's message when a page of a list fails: the generated paging helpers
 * keep ARM's error code but drop its message, so only the code and the advice are left to tell.
 */
const PAGING_WORDING = /^Pagination failed with unexpected statusCode \d+$/;

function trimMessage(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 240 ? `${oneLine.slice(0, 237)}...` : oneLine;
}

/**
 * `Network Watcher answered 429 TooManyRequests; retry later (Azure asks to wait 30 s)` or
 * `Run Command answered 409 Conflict: another Run Command is in progress on this VM; wait for it to finish`.
 * `hints` are keyed by ARM error code or HTTP status and replace ARM's message and the generic advice.
 */
export function describeAzureError(service: string, err: unknown, hints: ErrorHints = {}): AzureCallError {
  if (!isRestError(err)) {
    const message = err instanceof Error ? err.message : String(err);
    return new AzureCallError(`${service} failed: ${trimMessage(message)}`, null, null);
  }
  const status = err.statusCode;
  if (status === undefined) {
    return new AzureCallError(
      `${service} could not be reached (${err.code ?? 'no response'}: ${trimMessage(err.message)}); ` +
        'check the network and AZURE_RESOURCE_MANAGER_ENDPOINT',
      null,
      err.code ?? null,
    );
  }
  const code = err.code && err.code !== 'REQUEST_SEND_ERROR' ? err.code : (STATUS_NAMES[status] ?? 'Error');
  const hint = hints[code] ?? hints[status];
  let text = `${service} answered ${status} ${code}`;
  if (hint) {
    text += `: ${hint}`;
  } else {
    const armMessage = PAGING_WORDING.test(err.message) ? '' : trimMessage(err.message);
    if (armMessage) text += `: ${armMessage}`;
    const advice =
      STATUS_ADVICE[status] ?? (status >= 500 ? 'Azure had a transient fault; retry later' : null);
    if (advice) text += `; ${advice}`;
  }
  const retryAfter = err.response?.headers.get('retry-after');
  if (status === 429 && retryAfter && /^\d+$/.test(retryAfter))
    text += ` (Azure asks to wait ${retryAfter} s)`;
  return new AzureCallError(text, status, code);
}

/** Runs one SDK call and rethrows its failure as an AzureCallError; aborts pass through untouched. */
export async function callAzure<T>(service: string, call: () => Promise<T>, hints?: ErrorHints): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (isAbort(err)) throw err;
    throw describeAzureError(service, err, hints);
  }
}
