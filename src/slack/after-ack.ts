import { setImmediate as nextTurn } from 'node:timers/promises';

let lastTurn: Promise<void> = Promise.resolve();

/**
 * Resolves in an event-loop turn of its own, after every caller before it: the work that follows an
 * acknowledgement starts one piece per turn. Node sends a response only when the turn that wrote it ends,
 * and reads new requests between turns; so in a burst of commands each acknowledgement leaves at once, and
 * the next command is read before the previous one's diagnosis has started, rather than after all of them.
 */
export function turnAfterAck(): Promise<void> {
  const turn = lastTurn.then(() => nextTurn());
  lastTurn = turn;
  return turn;
}
