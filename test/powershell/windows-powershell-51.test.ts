import fs from 'node:fs';
import path from 'node:path';
import Parser from 'tree-sitter';
import { guestProbeScript } from '../../src/azure/probe';
import { causes } from '../../src/diagnosis/causes';
import { FIX_SCRIPTS_DIR } from '../../src/fixes/guest-script';
import { guestWith, healthyFacts } from '../fixtures/facts';
import ps51 from '../fixtures/psscriptanalyzer/desktop-5.1-commands.json';

// Every PowerShell script rdp-doctor ships runs on someone's Windows VM through Run Command, which runs
// Windows PowerShell 5.1. Each is held to truth the project did not write: the commands and parameters of
// Windows PowerShell 5.1 as PSScriptAnalyzer records them for its UseCompatibleCmdlets rule
// (test/fixtures/psscriptanalyzer/README.md), and tree-sitter-powershell's grammar.

// tree-sitter-powershell's entry point is an ES module with top-level await, which Jest's CommonJS cannot
// load; its native binding is the same grammar, loaded the way that entry point loads it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadBinding = require('node-gyp-build') as (dir: string) => Parser.Language;
const POWERSHELL = loadBinding(path.dirname(require.resolve('tree-sitter-powershell/package.json')));

interface Script {
  name: string;
  text: string;
}

interface CommandData {
  module: string;
  parameters: string[];
}

const COMMANDS: Record<string, CommandData> = Object.fromEntries(
  Object.entries((ps51 as { commands: Record<string, CommandData> }).commands).map(([name, data]) => [
    name.toLowerCase(),
    data,
  ]),
);

/** Parameters every cmdlet and advanced function takes, which the data leaves out as <CommonParameters>. */
const COMMON_PARAMETERS = [
  'Verbose',
  'Debug',
  'ErrorAction',
  'WarningAction',
  'InformationAction',
  'ErrorVariable',
  'WarningVariable',
  'InformationVariable',
  'OutVariable',
  'OutBuffer',
  'PipelineVariable',
];

/** Parameters a provider adds to a cmdlet on its own paths, which no command data can list. */
const PROVIDER_PARAMETERS: Record<string, { parameters: string[]; reason: string }> = {
  'set-itemproperty': {
    parameters: ['Type'],
    reason: 'the registry provider adds -Type to Set-ItemProperty on HKLM: paths',
  },
};

/** Commands outside the data, each with why it is still right on the machines rdp-doctor serves. */
const OTHER_COMMANDS: Record<string, { parameters: string[]; reason: string }> = {
  'get-windowsfeature': {
    parameters: ['Name'],
    reason:
      "ServerManager's cmdlet exists on Windows Server only; the data is Windows 10's. The probe looks it up " +
      'with Get-Command first; the Session Host confirm command runs only where the role is installed.',
  },
};

/** Windows programs the scripts run, which are not PowerShell commands. */
const PROGRAMS = ['cmd.exe', 'quser.exe', 'quser', 'logoff.exe', 'nltest'];

/** The Run Command script an `az vm run-command invoke ... --scripts "..."` command carries. */
function scriptOfConfirm(command: string): string | null {
  const quoted = /--command-id RunPowerShellScript --scripts "((?:[^"\\]|\\.)*)"/.exec(command)?.[1];
  return quoted === undefined ? null : quoted.replace(/\\(["$`\\])/g, '$1');
}

/** Every shipped PowerShell script: the probe, the fix scripts, and the confirm commands of the rules. */
function shippedScripts(): Script[] {
  const scripts: Script[] = [{ name: 'src/azure/probe/guest-probe.ps1', text: guestProbeScript }];
  for (const file of fs
    .readdirSync(FIX_SCRIPTS_DIR)
    .filter((f) => f.endsWith('.ps1'))
    .sort()) {
    scripts.push({
      name: `src/fixes/scripts/${file}`,
      text: fs.readFileSync(path.join(FIX_SCRIPTS_DIR, file), 'utf8'),
    });
  }
  const variants = [
    healthyFacts(),
    guestWith((guest) => {
      guest.os = { ...guest.os!, domainJoined: true, domain: 'corp.contoso.com', secureChannelOk: false };
    }),
  ];
  for (const rule of causes) {
    const seen = new Set<string>();
    for (const facts of variants) {
      const text = scriptOfConfirm(rule.confirm(facts));
      if (text === null || seen.has(text)) continue;
      seen.add(text);
      scripts.push({ name: `confirm command of ${rule.id}${seen.size > 1 ? ` (${seen.size})` : ''}`, text });
    }
  }
  return scripts;
}

/**
 * Two forms Windows PowerShell 5.1 reads that tree-sitter-powershell 0.26.4's grammar does not: a list of
 * bare words as a command argument (`Select-Object Name, Status`) and an upper-case numeric multiplier
 * (`1MB`). Each becomes its equivalent (`'Name', 'Status'`, `1mb`) before parsing, on the same line, so
 * that the grammar's other errors still show where they are.
 */
const GRAMMAR_GAPS: [RegExp, (match: string) => string][] = [
  [
    /(?<=\b(?:Select-Object|Sort-Object|Get-Service|Format-List|Format-Table)(?:\s+-\w+(?:\s+\d+)?)*\s+)[A-Za-z][\w-]*(?:,\s*[A-Za-z][\w-]*)*(?=\s*(?:,|$|[|;)}]))/gm,
    (list) => list.replace(/[A-Za-z][\w-]*/g, (word) => `'${word}'`),
  ],
  [/\b\d+(?:KB|MB|GB|TB|PB)\b/g, (number) => number.toLowerCase()],
];

interface Parsed {
  tree: Parser.Tree;
  /** The text the tree indexes: the script with the grammar's gaps rewritten. */
  text: string;
}

function parse(script: string): Parsed {
  const parser = new Parser();
  parser.setLanguage(POWERSHELL);
  const text = GRAMMAR_GAPS.reduce((code, [pattern, rewrite]) => code.replace(pattern, rewrite), script);
  return { tree: parser.parse(text), text };
}

function descendants(node: Parser.SyntaxNode): Parser.SyntaxNode[] {
  return [node, ...node.children.flatMap(descendants)];
}

/** Where a node is, as a person finds it in the script. */
function at(node: Parser.SyntaxNode): string {
  return `line ${node.startPosition.row + 1}`;
}

interface CommandUse {
  name: string;
  parameters: string[];
  where: string;
}

function commandUses({ tree }: Parsed): CommandUse[] {
  return descendants(tree.rootNode)
    .filter((node) => node.type === 'command')
    .map((node) => {
      const nameNode = node.namedChildren.find(
        (c) => c.type === 'command_name' || c.type === 'command_name_expr',
      );
      const elements = node.namedChildren.find((c) => c.type === 'command_elements');
      const parameters = (elements?.namedChildren ?? [])
        .filter((c) => c.type === 'command_parameter' && /^-[A-Za-z]/.test(c.text))
        .map((c) => c.text.slice(1).replace(/:$/, ''));
      return { name: nameNode?.text ?? '', parameters, where: at(node) };
    });
}

/** The functions a script defines, with the parameters each declares. */
function scriptFunctions({ tree }: Parsed): Map<string, string[]> {
  const functions = new Map<string, string[]>();
  for (const node of descendants(tree.rootNode).filter((n) => n.type === 'function_statement')) {
    const name = node.namedChildren.find((c) => c.type === 'function_name')?.text ?? '';
    const parameters = descendants(node)
      .filter((n) => n.type === 'script_parameter')
      .map((n) => n.namedChildren.find((c) => c.type === 'variable')?.text.slice(1) ?? '');
    functions.set(name.toLowerCase(), parameters);
  }
  return functions;
}

/** What is wrong with one command use, or null. */
function problemOf(use: CommandUse, functions: Map<string, string[]>): string | null {
  const key = use.name.toLowerCase();
  if (PROGRAMS.includes(key)) return null;
  const own = functions.get(key);
  const known = COMMANDS[key] ?? OTHER_COMMANDS[key];
  if (own === undefined && known === undefined) {
    return `${use.where}: ${use.name} is not a command of Windows PowerShell 5.1`;
  }
  const allowed = [
    ...(own ?? known.parameters),
    ...COMMON_PARAMETERS,
    ...(PROVIDER_PARAMETERS[key]?.parameters ?? []),
  ].map((p) => p.toLowerCase());
  const unknown = use.parameters.filter((p) => !allowed.includes(p.toLowerCase()));
  return unknown.length === 0
    ? null
    : `${use.where}: ${use.name} has no parameter ${unknown.map((p) => `-${p}`).join(', ')} in Windows PowerShell 5.1`;
}

/** The script's code with comments and string contents blanked, for the syntax checks below. */
function codeOnly({ tree, text }: Parsed): string {
  const chars = [...text];
  for (const node of descendants(tree.rootNode)) {
    if (node.type === 'comment' || node.type === 'string_literal') {
      for (let i = node.startIndex; i < node.endIndex; i++) if (chars[i] !== '\n') chars[i] = ' ';
    }
  }
  return chars.join('');
}

/** Syntax PowerShell 7 added, which Windows PowerShell 5.1 cannot run. */
const POWERSHELL_7_SYNTAX: [string, RegExp][] = [
  ['the null-coalescing operator ??', /\?\?/],
  ['the null-conditional member access ?.', /\?\.|\?\[/],
  ['the ternary operator ? :', /\s\?\s[^\n]*\s:\s/],
  ['a pipeline chain && or ||', /&&|\|\|/],
  ['ForEach-Object -Parallel', /-Parallel\b/i],
  ['a clean {} block', /(^|[\s;{])clean\s*\{/im],
];

const SCRIPTS = shippedScripts();

describe('shipped PowerShell against Windows PowerShell 5.1', () => {
  it('finds the probe, every fix script and the confirm commands of the rules', () => {
    const names = SCRIPTS.map((s) => s.name);
    expect(names).toContain('src/azure/probe/guest-probe.ps1');
    expect(names).toContain('src/fixes/scripts/unlock-account.ps1');
    expect(names.filter((n) => n.startsWith('confirm command of ')).length).toBeGreaterThan(15);
    expect(names).toContain('confirm command of domain-unreachable (2)');
  });

  it('reads the data of PSScriptAnalyzer, not a hand-made list', () => {
    const source = (ps51 as { source: Record<string, string> }).source;
    expect(source).toEqual({
      repository: 'https://github.com/PowerShell/PSScriptAnalyzer',
      path: 'Engine/Settings/desktop-5.1.14393.206-windows.json',
      commit: expect.stringMatching(/^[0-9a-f]{40}$/),
      license: 'MIT',
    });
    expect(Object.keys(COMMANDS).length).toBeGreaterThan(1000);
    expect(COMMANDS['get-service'].parameters).toContain('Name');
    expect(COMMANDS['foreach-object'].parameters).not.toContain('Parallel');
  });

  it('keeps its own allowances outside the data', () => {
    for (const name of [...Object.keys(OTHER_COMMANDS), ...PROGRAMS]) expect(COMMANDS[name]).toBeUndefined();
    for (const [name, { parameters }] of Object.entries(PROVIDER_PARAMETERS)) {
      for (const parameter of parameters) expect(COMMANDS[name].parameters).not.toContain(parameter);
    }
  });

  describe.each(SCRIPTS.map((s) => [s.name, s] as const))('%s', (_name, script) => {
    const parsed = parse(script.text);

    it('parses with tree-sitter-powershell', () => {
      const errors = descendants(parsed.tree.rootNode)
        .filter((n) => n.type === 'ERROR' || n.isMissing)
        .map((n) => `${at(n)}: ${n.text.slice(0, 60)}`);
      expect(errors).toEqual([]);
    });

    it('uses only commands and parameters of Windows PowerShell 5.1', () => {
      const functions = scriptFunctions(parsed);
      const problems = commandUses(parsed)
        .map((use) => problemOf(use, functions))
        .filter((p): p is string => p !== null);
      expect(problems).toEqual([]);
    });

    it('uses no syntax that only PowerShell 7 runs', () => {
      const code = codeOnly(parsed);
      const found = POWERSHELL_7_SYNTAX.filter(([, pattern]) => pattern.test(code)).map(([name]) => name);
      expect(found).toEqual([]);
    });
  });
});

describe('what 32-bit PowerShell and older images lack', () => {
  it.each(SCRIPTS.filter((s) => s.name.startsWith('src/')).map((s) => [s.name, s] as const))(
    '%s uses no Microsoft.PowerShell.LocalAccounts command',
    (_name, script) => {
      const local = commandUses(parse(script.text)).filter(
        (use) => COMMANDS[use.name.toLowerCase()]?.module === 'Microsoft.PowerShell.LocalAccounts',
      );
      expect(local.map((use) => `${use.where}: ${use.name}`)).toEqual([]);
    },
  );
});
