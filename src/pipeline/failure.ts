// Why a diagnosis could not run, said once for every surface (CLI exit codes, Slack messages):
// `input` when the person can fix what they typed, `environment` when the setup or Azure is at fault.

export interface Failure {
  kind: 'input' | 'environment';
  message: string;
  /** What only whoever runs rdp-doctor can act on (its settings): the terminal and the log, never a channel. */
  adminDetail?: string;
}

const INPUT_CODES = new Set([
  'invalid-input',
  'invalid-target',
  'vm-not-found',
  'ambiguous-vm',
  'subscription-not-allowed',
]);

const CREDENTIAL_ERRORS = new Set(['CredentialUnavailableError', 'AggregateAuthenticationError']);

/**
 * Each credential DefaultAzureCredential tried, in its own words: AggregateAuthenticationError keeps
 * them in `errors`. Whole messages, so the troubleshooting links they end with stay intact.
 */
function credentialReasons(error: { message?: unknown; errors?: unknown }): string[] {
  const inner = Array.isArray(error.errors) && error.errors.length > 0 ? error.errors : [error];
  const reasons = inner
    .map((e: { message?: unknown }) => (typeof e?.message === 'string' ? e.message.trim() : ''))
    .filter(Boolean);
  return [...new Set(reasons)];
}

export function describeFailure(error: unknown): Failure {
  const err = error as {
    code?: unknown;
    name?: unknown;
    message?: unknown;
    statusCode?: unknown;
    errors?: unknown;
  };
  // A bad setting lists one problem per line (key, what was wrong, an example): keep every line.
  if (err?.code === 'invalid-config' && typeof err.message === 'string') {
    return { kind: 'environment', message: err.message };
  }
  const message = typeof err?.message === 'string' ? err.message.split('\n')[0] : String(error);
  if (typeof err?.code === 'string' && INPUT_CODES.has(err.code)) {
    const detail = (error as { adminDetail?: unknown }).adminDetail;
    return { kind: 'input', message, ...(typeof detail === 'string' ? { adminDetail: detail } : {}) };
  }
  if (typeof err?.name === 'string' && CREDENTIAL_ERRORS.has(err.name)) {
    const reasons = credentialReasons(err);
    return {
      kind: 'environment',
      message:
        'No Azure credentials: run `az login`, use a managed identity, or set AZURE_CLIENT_ID/AZURE_TENANT_ID/' +
        'AZURE_CLIENT_SECRET (or AZURE_ACCESS_TOKEN); try the sandbox with --sandbox.' +
        (reasons.length > 0
          ? `\nWhat each credential said:\n${reasons.map((r) => `  ${r}`).join('\n')}`
          : ''),
    };
  }
  if (err?.name === 'AuthenticationError' || err?.statusCode === 401) {
    return {
      kind: 'environment',
      message:
        'Azure refused the credentials (401): sign in again (`az login`) or refresh AZURE_ACCESS_TOKEN.',
    };
  }
  if (err?.statusCode === 403) {
    return {
      kind: 'environment',
      message: `Azure denied access (403): give the identity Reader on the subscription. ${message}`,
    };
  }
  if (
    typeof err?.code === 'string' &&
    /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|CERT_|DEPTH_ZERO|SELF_SIGNED)/.test(err.code)
  ) {
    return {
      kind: 'environment',
      message: `Cannot reach Azure Resource Manager (${err.code}): check AZURE_RESOURCE_MANAGER_ENDPOINT and the network.`,
    };
  }
  return { kind: 'environment', message };
}
