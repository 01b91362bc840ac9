// Why a diagnosis could not run, said once for every surface (CLI exit codes, Slack messages):
// `input` when the person can fix what they typed, `environment` when the setup or Azure is at fault.

export interface Failure {
  kind: 'input' | 'environment';
  message: string;
}

const INPUT_CODES = new Set([
  'invalid-input',
  'invalid-target',
  'vm-not-found',
  'ambiguous-vm',
  'subscription-not-allowed',
]);

export function describeFailure(error: unknown): Failure {
  const err = error as { code?: unknown; name?: unknown; message?: unknown; statusCode?: unknown };
  const message = typeof err?.message === 'string' ? err.message.split('\n')[0] : String(error);
  if (typeof err?.code === 'string' && INPUT_CODES.has(err.code)) return { kind: 'input', message };
  if (err?.name === 'CredentialUnavailableError' || err?.name === 'AggregateAuthenticationError') {
    return {
      kind: 'environment',
      message:
        'No Azure credentials: run `az login`, use a managed identity, or set AZURE_ACCESS_TOKEN (or try the sandbox with --sandbox).',
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
