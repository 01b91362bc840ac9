import type { DiagnosisRequest, FactKey, FactValue, VmFacts } from '../diagnosis/facts';
import type { AzureClients, SubscriptionClients } from './clients';

/** What every gatherer receives: the clients (never built here), the machine, and the request. */
export interface GatherContext {
  clients: AzureClients;
  sub: SubscriptionClients;
  vm: VmFacts;
  request: DiagnosisRequest;
  now: Date;
  /** Aborted when the gatherer's timeout passes; pass it to every SDK call as `abortSignal`. */
  signal: AbortSignal;
}

/**
 * A thin adapter from ARM to one fact. It decides nothing: it returns what Azure said, shaped as facts,
 * and throws (with a message a person can act on) when Azure could not answer. The pipeline turns the
 * throw into an `error` fact and the timeout into an `error` too.
 */
export interface Gatherer<K extends FactKey> {
  key: K;
  timeoutMs: number;
  /** A reason not to run at all (deallocated VM for Run Command, no --host for DNS), or null. */
  skip?(ctx: Omit<GatherContext, 'signal'>): string | null;
  gather(ctx: GatherContext): Promise<FactValue<K>>;
}
