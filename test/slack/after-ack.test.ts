import { turnAfterAck } from '../../src/slack/after-ack';

test('work after acknowledgements resumes in call order, each in an event-loop turn of its own', async () => {
  // Counts the loop's check phases: an immediate that re-queues itself runs once per turn.
  let turns = 0;
  let counting = true;
  const count = () => {
    turns += 1;
    if (counting) setImmediate(count);
  };
  setImmediate(count);
  const resumed: { caller: number; turn: number }[] = [];
  await Promise.all(
    [1, 2, 3, 4].map(async (caller) => {
      await turnAfterAck();
      resumed.push({ caller, turn: turns });
    }),
  );
  counting = false;
  expect(resumed.map((r) => r.caller)).toEqual([1, 2, 3, 4]);
  const resumedTurns = resumed.map((r) => r.turn);
  expect(new Set(resumedTurns).size).toBe(4);
  expect([...resumedTurns].sort((a, b) => a - b)).toEqual(resumedTurns);
});
