import type { ResourceChange } from './changes';

// Azure Event Grid deliveries (Event Grid schema: an array of events) read at the edge. A subscription
// validation event asks for its code back; resource-write events become the same changes the activity
// log gives, keyed by correlation id, so a change seen both ways is alerted once.

export const VALIDATION_EVENT = 'Microsoft.EventGrid.SubscriptionValidationEvent';
const CHANGE_EVENTS = new Set([
  'microsoft.resources.resourcewritesuccess',
  'microsoft.resources.resourcedeletesuccess',
  'microsoft.resources.resourceactionsuccess',
]);
/** Who made the change, in the order the claims name a person, then an application. */
const CALLER_CLAIMS = [
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn',
  'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name',
  'name',
  'appid',
];
/** Event Grid sends at most 1 MB and batches of events; more than this is not a delivery of ours. */
const MAX_EVENTS = 5000;

export class DeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export type Delivery = { kind: 'validation'; code: string } | { kind: 'changes'; changes: ResourceChange[] };

const record = (value: unknown): Record<string, unknown> | null =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : null;
const text = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

function changeOf(event: Record<string, unknown>, index: number): ResourceChange | null {
  const type = text(event.eventType)?.toLowerCase();
  if (!type || !CHANGE_EVENTS.has(type)) return null;
  const data = record(event.data);
  const time = text(event.eventTime);
  const resourceId = text(data?.resourceUri) ?? text(event.subject);
  const operationName = text(data?.operationName);
  const changeId = text(data?.correlationId);
  if (!data || !time || Number.isNaN(Date.parse(time)) || !resourceId || !operationName || !changeId) {
    throw new DeliveryError(
      `Event ${index} (${type}) lacks eventTime, data.resourceUri, data.operationName or data.correlationId.`,
    );
  }
  const claims = record(data.claims) ?? {};
  const caller = CALLER_CLAIMS.map((claim) => text(claims[claim])).find((value) => value !== null) ?? null;
  return { changeId, time: new Date(time).toISOString(), operationName, resourceId, caller };
}

/** The delivery the body holds; a clear DeliveryError for anything else. */
export function parseDelivery(body: unknown): Delivery {
  if (!Array.isArray(body) || body.length === 0 || body.length > MAX_EVENTS) {
    throw new DeliveryError(`An Event Grid delivery is a JSON array of 1 to ${MAX_EVENTS} events.`);
  }
  const events = body.map((event, index) => {
    const parsed = record(event);
    if (!parsed) throw new DeliveryError(`Event ${index} is not a JSON object.`);
    return parsed;
  });
  const validation = events.find((event) => event.eventType === VALIDATION_EVENT);
  if (validation) {
    const code = text(record(validation.data)?.validationCode);
    if (!code) throw new DeliveryError('The subscription validation event has no data.validationCode.');
    return { kind: 'validation', code };
  }
  return {
    kind: 'changes',
    changes: events.map(changeOf).filter((change): change is ResourceChange => change !== null),
  };
}

/** The subscription a change's resource lives in (lower case), or null. */
export function subscriptionOf(change: ResourceChange): string | null {
  return /\/subscriptions\/([^/]+)/i.exec(change.resourceId)?.[1]?.toLowerCase() ?? null;
}
