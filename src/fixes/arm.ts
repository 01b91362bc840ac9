// ARM answers every request with the correlation id its activity log files the operation under: the audit
// keeps it so a person can find the write in the activity log.

interface ResponseWithHeaders {
  headers: { get(name: string): string | undefined };
}

/** SDK call options that remember the correlation id of the first response: the write itself, not its polls. */
export function correlated(signal?: AbortSignal) {
  let correlationId: string | null = null;
  return {
    options: {
      abortSignal: signal,
      onResponse: (response: ResponseWithHeaders) => {
        correlationId ??= response.headers.get('x-ms-correlation-request-id') ?? null;
      },
    },
    correlationId: () => correlationId,
  };
}
