// What a route handler returns, and ARM's error shape (`{ error: { code, message } }`) as an exception
// handlers throw so that every failure leaves the emulator the way ARM's do.

export interface ArmResponse {
  status: number;
  /** Serialized as JSON unless `raw` is set. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Non-JSON payloads: boot diagnostics blobs. */
  raw?: { contentType: string; data: Buffer | string };
}

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toResponse(): ArmResponse {
    return {
      status: this.status,
      body: { error: { code: this.code, message: this.message } },
      headers: this.headers,
    };
  }
}

export function ok(body: unknown, status = 200): ArmResponse {
  return { status, body };
}

/** ARM's message when a resource in a known resource group does not exist. */
export function resourceNotFound(type: string, name: string, resourceGroup: string): ArmError {
  return new ArmError(
    404,
    'ResourceNotFound',
    `The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
  );
}

export function badRequest(code: string, message: string): ArmError {
  return new ArmError(400, code, message);
}

/** A JSON request body as an object, or ARM's error for a body that is not one. */
export function objectBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequest(
      'InvalidRequestContent',
      'The request content was invalid and could not be deserialized.',
    );
  }
  return body as Record<string, unknown>;
}
