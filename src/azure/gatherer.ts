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
  /** Resolves the host name the user dials; the system resolver when unset (the sandbox serves its own records). */
  resolveHost?: DnsResolver;
  /** Binary evidence too big for the facts (the boot screenshot), handed to whoever shows it. */
  attach?: (attachment: Attachment) => void;
}

/** A host name's A and AAAA addresses; [] (or a rejection with ENOTFOUND, like node:dns) when it does not exist. */
export type DnsResolver = (host: string, signal?: AbortSignal) => Promise<string[]>;

/**
 * Thrown by `gather` when only Azure's answer shows the check does not apply (no Network Watcher in the
 * VM's region); the pipeline records the fact as `skipped` with this message instead of `error`.
 */
export class GatherSkipped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'GatherSkipped';
  }
}

/**
 * A thin adapter from ARM to one fact. It decides nothing: it returns what Azure said, shaped as facts,
 * and throws (with a message a person can act on) when Azure could not answer. The pipeline turns the
 * throw into an `error` fact and the timeout into an `error` too.
 */
export interface Gatherer<K extends FactKey> {
  key: K;
  timeoutMs: number;
  /** Reads only the machine itself, not its NICs: starts as soon as the VM is read (the Run Command). */
  startsEarly?: boolean;
  /** A reason not to run at all (deallocated VM for Run Command, no --host for DNS), or null. */
  skip?(ctx: Omit<GatherContext, 'signal'>): string | null;
  gather(ctx: GatherContext): Promise<FactValue<K>>;
}

export interface Attachment {
  kind: 'boot-screenshot';
  /** As Azure stores it: a BMP for the boot screenshot. */
  bytes: Buffer;
}
