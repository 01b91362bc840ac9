import { AzureCallError, callAzure, describeAzureError } from '../../src/azure/errors';
import { RG, SUBSCRIPTION, replay } from './arm-replay';

const pipPath = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${RG}/providers/Microsoft.Network/publicIPAddresses/pip`;

/** What the SDK throws for a failed call, as the SDK itself builds it from an ARM response. */
async function sdkError(status: number, body?: unknown, headers?: Record<string, string>): Promise<unknown> {
  const fake = replay([{ method: 'GET', path: pipPath, status, body, headers }]);
  try {
    await fake.sub.network.publicIPAddresses.get(RG, 'pip');
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to fail');
}

describe('describeAzureError', () => {
  it('names the service, status and code, and says what to do', async () => {
    const error = describeAzureError(
      'Network Watcher',
      await sdkError(429, undefined, { 'retry-after': '30' }),
    );
    expect(error.message).toBe(
      'Network Watcher answered 429 TooManyRequests; retry later (Azure asks to wait 30 s)',
    );
    expect([error.statusCode, error.code]).toEqual([429, 'TooManyRequests']);
  });

  it("quotes ARM's own error code and message", async () => {
    const error = describeAzureError(
      'Network',
      await sdkError(409, {
        error: {
          code: 'AnotherOperationInProgress',
          message: 'Another operation on this resource is in progress.',
        },
      }),
    );
    expect(error.message).toBe(
      'Network answered 409 AnotherOperationInProgress: Another operation on this resource is in progress.; another operation is changing this resource; wait for it to finish and retry',
    );
  });

  it('lets the caller explain a code or a status in its own words', async () => {
    const err = await sdkError(409, {
      error: { code: 'Conflict', message: 'Run command extension execution is in progress.' },
    });
    expect(
      describeAzureError('Run Command', err, {
        Conflict: 'another Run Command is in progress on this VM; wait for it to finish',
      }).message,
    ).toBe(
      'Run Command answered 409 Conflict: another Run Command is in progress on this VM; wait for it to finish',
    );
    expect(describeAzureError('Run Command', err, { 409: 'busy' }).message).toBe(
      'Run Command answered 409 Conflict: busy',
    );
  });

  it('calls a 5xx transient', async () => {
    const error = describeAzureError(
      'Compute',
      await sdkError(503, { error: { code: 'ServiceUnavailable', message: 'Try again.' } }),
    );
    expect(error.message).toBe(
      'Compute answered 503 ServiceUnavailable: Try again.; Azure had a transient fault; retry later',
    );
  });

  it('never repeats the bearer token the request carried', async () => {
    const error = describeAzureError(
      'Network',
      await sdkError(401, {
        error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' },
      }),
    );
    expect(error.message).toBe(
      'Network answered 401 InvalidAuthenticationToken: The access token is invalid.; the credential was refused; sign in again (az login) or check the managed identity',
    );
    expect(error.message).not.toContain('test-token');
  });

  it('says ARM could not be reached when no response came back', () => {
    const err = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8443'), {
      name: 'RestError',
      code: 'REQUEST_SEND_ERROR',
    });
    expect(describeAzureError('Compute', err).message).toBe(
      'Compute could not be reached (REQUEST_SEND_ERROR: connect ECONNREFUSED 127.0.0.1:8443); check the network and AZURE_RESOURCE_MANAGER_ENDPOINT',
    );
  });

  it('passes on a failed long-running operation', () => {
    const err = new Error(
      'The long-running operation has failed. VMAgentStatusCommunicationError. VM has reported a failure.',
    );
    expect(describeAzureError('Run Command', err)).toEqual(
      new AzureCallError(
        'Run Command failed: The long-running operation has failed. VMAgentStatusCommunicationError. VM has reported a failure.',
        null,
        null,
      ),
    );
  });
});

describe('callAzure', () => {
  it('lets a timeout through untouched, for the pipeline to report', async () => {
    const abort = Object.assign(new Error('The operation was aborted.'), { name: 'AbortError' });
    await expect(callAzure('Compute', () => Promise.reject(abort))).rejects.toBe(abort);
  });

  it('turns any other failure into an AzureCallError', async () => {
    await expect(
      callAzure('Compute', () => sdkError(404).then((err) => Promise.reject(err))),
    ).rejects.toBeInstanceOf(AzureCallError);
  });
});
