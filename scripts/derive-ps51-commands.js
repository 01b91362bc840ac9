// Derives test/fixtures/psscriptanalyzer/desktop-5.1-commands.json from PSScriptAnalyzer's command data for
// Windows PowerShell 5.1 (Engine/Settings/desktop-5.1.14393.206-windows.json, MIT): per command, its module
// and the names of its parameters. Usage:
//   node scripts/derive-ps51-commands.js <desktop-5.1.14393.206-windows.json> <commit>
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const [source, commit] = process.argv.slice(2);
if (!source || !/^[0-9a-f]{40}$/.test(commit ?? '')) {
  console.error('usage: node scripts/derive-ps51-commands.js <desktop-5.1.14393.206-windows.json> <commit>');
  process.exit(2);
}

const data = JSON.parse(fs.readFileSync(source, 'utf8').replace(/^\uFEFF/, ''));
const asList = (value) => (value == null ? [] : Array.isArray(value) ? value : [value]);

const commands = {};
for (const module of data.Modules) {
  for (const command of asList(module.ExportedCommands)) {
    // ParameterSets is the syntax line(s) of Get-Command -Syntax: "-Name <type>" and "[-Switch]".
    const syntax = asList(command.ParameterSets).join(' ');
    const parameters = [...new Set([...syntax.matchAll(/-([A-Za-z][A-Za-z0-9]*)/g)].map((m) => m[1]))].sort();
    const known = commands[command.Name];
    commands[command.Name] = {
      module: module.Name,
      parameters: known ? [...new Set([...known.parameters, ...parameters])].sort() : parameters,
    };
  }
}

const sorted = (object) =>
  Object.fromEntries(
    Object.keys(object)
      .sort()
      .map((k) => [k, object[k]]),
  );
const out = {
  source: {
    repository: 'https://github.com/PowerShell/PSScriptAnalyzer',
    path: 'Engine/Settings/desktop-5.1.14393.206-windows.json',
    commit,
    license: 'MIT',
  },
  commands: sorted(commands),
};
const target = path.join(
  __dirname,
  '..',
  'test',
  'fixtures',
  'psscriptanalyzer',
  'desktop-5.1-commands.json',
);
fs.writeFileSync(target, `${JSON.stringify(out, null, 2)}\n`);
console.log(`${Object.keys(commands).length} commands -> ${target}`);
