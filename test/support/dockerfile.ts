import { readFileSync } from 'node:fs';

// The Dockerfile as data: its stages and their steps, so a test runs the image's own steps as commands
// instead of a copy of them that could drift.

export type Step =
  | { kind: 'WORKDIR'; dir: string }
  | { kind: 'ENV'; vars: Record<string, string> }
  | { kind: 'COPY'; from?: string; sources: string[]; dest: string }
  | { kind: 'RUN'; command: string }
  | { kind: 'CMD'; argv: string[] }
  | { kind: 'OTHER'; instruction: string; args: string };

export interface Stage {
  base: string;
  name?: string;
  steps: Step[];
}

/** Joins continued lines and drops comments, then reads each instruction. */
export function parseDockerfile(path: string): Stage[] {
  const lines = readFileSync(path, 'utf8')
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [, instruction, args] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (!instruction) throw new Error(`unreadable Dockerfile line: ${line}`);
    const upper = instruction.toUpperCase();
    if (upper === 'FROM') {
      const [base, as, name] = args.split(/\s+/);
      stages.push({ base, name: as?.toUpperCase() === 'AS' ? name : undefined, steps: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`${upper} before FROM`);
    stage.steps.push(parseStep(upper, args));
  }
  return stages;
}

function parseStep(instruction: string, args: string): Step {
  switch (instruction) {
    case 'WORKDIR':
      return { kind: 'WORKDIR', dir: args };
    case 'ENV':
      return {
        kind: 'ENV',
        vars: Object.fromEntries(args.split(/\s+/).map((pair) => pair.split('=', 2) as [string, string])),
      };
    case 'COPY': {
      const words = args.split(/\s+/);
      const from = words[0].startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
      const dest = words.pop()!;
      return { kind: 'COPY', from, sources: words, dest };
    }
    case 'RUN':
      return { kind: 'RUN', command: args };
    case 'CMD':
      return { kind: 'CMD', argv: JSON.parse(args) as string[] };
    default:
      return { kind: 'OTHER', instruction, args };
  }
}
