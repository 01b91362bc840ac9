import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { parse } from 'yaml';
import methodScopes from '../../deploy/slack/method-scopes.json';
import { DIAGNOSE_RDP_CALLBACK_ID } from '../../src/slack/shortcuts/diagnose-rdp';
import { schemaErrors } from '../support/manifest-schema';

// The two manifests against Slack's manifest schema (its published JSON Schema facts at run time, and the
// @slack/web-api `Manifest` type at compile time), and against the code: every Web API method src/slack calls
// has its scopes, and no scope is there that nothing needs.

const ROOT = join(__dirname, '..', '..');
const MANIFESTS = ['manifest.yml', 'manifest.socket.yml'] as const;

type Manifest = {
  display_information: { name: string };
  features: {
    app_home?: { home_tab_enabled?: boolean };
    shortcuts?: { type: string; callback_id: string }[];
    slash_commands?: { command: string; url?: string }[];
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    socket_mode_enabled?: boolean;
    interactivity?: { is_enabled: boolean; request_url?: string };
    event_subscriptions?: { request_url?: string; bot_events?: string[] };
  };
};

const read = (file: string): Manifest => parse(readFileSync(join(ROOT, file), 'utf8')) as Manifest;

/**
 * Type-checks each value as `AppsManifestCreateArguments['manifest']` with the installed @slack/web-api:
 * the value is written as the initializer of a typed constant in a virtual file beside package.json.
 */
function typeErrors(values: Record<string, unknown>): Record<string, string[]> {
  const sources = new Map(
    Object.entries(values).map(([name, value]) => [
      join(ROOT, `${name}.manifest-check.ts`),
      "import type { AppsManifestCreateArguments } from '@slack/web-api';\n" +
        `export const manifest: AppsManifestCreateArguments['manifest'] = ${JSON.stringify(value, null, 2)};\n`,
    ]),
  );
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) => {
    const text = sources.get(file);
    return text === undefined
      ? getSourceFile(file, language, ...rest)
      : ts.createSourceFile(file, text, language, true);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => sources.has(file) || fileExists(file);
  const program = ts.createProgram([...sources.keys()], options, host);
  const errors: Record<string, string[]> = Object.fromEntries(Object.keys(values).map((name) => [name, []]));
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const name = Object.keys(values).find(
      (n) => diagnostic.file?.fileName === join(ROOT, `${n}.manifest-check.ts`),
    );
    const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
    if (name) errors[name].push(text);
    else throw new Error(`the manifest type check itself failed: ${text}`);
  }
  return errors;
}

/**
 * Web API methods called as `client.<namespace>.<method>(` (or the SDK's filesUploadV2) in src/slack/, the
 * only part of the product ESLint lets import Slack's SDK (Azure's clients elsewhere have methods too).
 */
function calledMethods(): Map<string, string[]> {
  const calls = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) walk(path);
      else if (path.endsWith('.ts')) {
        const text = readFileSync(path, 'utf8');
        for (const match of text.matchAll(/\bclient\.((?:[a-z]+\.)+[a-zA-Z]+|filesUploadV2)\(/g)) {
          calls.set(match[1], [...(calls.get(match[1]) ?? []), relative(ROOT, path)]);
        }
      }
    }
  };
  walk(join(ROOT, 'src', 'slack'));
  return calls;
}

const METHODS: Record<string, { bot: string[]; optional?: string[] }> = methodScopes.methods;
const EVENTS: Record<string, { bot: string[] }> = methodScopes.events;

describe.each(MANIFESTS)('%s', (file) => {
  const manifest = read(file);

  it("conforms to Slack's published manifest schema: required fields, enums, lengths, patterns, no unknown keys", () => {
    expect(schemaErrors(manifest)).toEqual([]);
  });

  it('has the scopes of every Web API method the product calls', () => {
    const bot = new Set(manifest.oauth_config.scopes.bot);
    const missing = [...calledMethods()].flatMap(([method, files]) => {
      const entry = METHODS[method];
      if (!entry)
        return [`${method} (called in ${files.join(', ')}) is not in deploy/slack/method-scopes.json`];
      return entry.bot.filter((scope) => !bot.has(scope)).map((scope) => `${method} needs ${scope}`);
    });
    expect(missing).toEqual([]);
  });

  it('has the scopes of its shortcuts, commands and events, and no scope that nothing needs', () => {
    const needed = new Set<string>();
    if (manifest.features.slash_commands?.length)
      methodScopes.surfaces.slash_commands.bot.forEach((s) => needed.add(s));
    if (manifest.features.shortcuts?.length)
      methodScopes.surfaces.shortcuts.bot.forEach((s) => needed.add(s));
    for (const event of manifest.settings.event_subscriptions?.bot_events ?? []) {
      expect(EVENTS[event]).toBeDefined();
      EVENTS[event].bot.forEach((s) => needed.add(s));
    }
    for (const method of calledMethods().keys()) {
      for (const scope of [...METHODS[method].bot, ...(METHODS[method].optional ?? [])]) needed.add(scope);
    }
    const bot = manifest.oauth_config.scopes.bot;
    expect(bot.filter((scope) => !needed.has(scope))).toEqual([]);
    expect([...needed].filter((scope) => !bot.includes(scope) && !isOptional(scope))).toEqual([]);
  });

  it('declares the Home tab, the Diagnose RDP message shortcut and the app_home_opened event the code answers', () => {
    expect(manifest.features.app_home?.home_tab_enabled).toBe(true);
    expect(manifest.features.shortcuts).toContainEqual(
      expect.objectContaining({ type: 'message', callback_id: DIAGNOSE_RDP_CALLBACK_ID }),
    );
    expect(manifest.settings.event_subscriptions?.bot_events).toContain('app_home_opened');
    expect(manifest.settings.interactivity?.is_enabled).toBe(true);
  });
});

function isOptional(scope: string): boolean {
  return Object.values(METHODS).some((entry) => entry.optional?.includes(scope));
}

test('the product calls the Web API methods the scan should find (the scan is not blind)', () => {
  expect([...calledMethods().keys()]).toEqual(
    expect.arrayContaining(['chat.postMessage', 'views.publish', 'usergroups.users.list', 'filesUploadV2']),
  );
});

test('manifest.yml sends everything to /slack/events over HTTP; manifest.socket.yml has Socket Mode and no URL', () => {
  const http = read('manifest.yml');
  const socket = read('manifest.socket.yml');
  expect(http.settings.socket_mode_enabled).toBe(false);
  const urls = [
    http.settings.interactivity?.request_url,
    http.settings.event_subscriptions?.request_url,
    ...(http.features.slash_commands ?? []).map((c) => c.url),
  ];
  expect(urls.every((url) => url !== undefined && new URL(url).pathname === '/slack/events')).toBe(true);

  expect(socket.settings.socket_mode_enabled).toBe(true);
  expect(JSON.stringify(socket)).not.toMatch(/"(url|request_url|message_menu_options_url)"/);
  // The same app otherwise: drop the URLs and the mode from both and they match.
  const withoutTransport = (m: Manifest) =>
    JSON.parse(
      JSON.stringify(m, (key, value: unknown) =>
        ['url', 'request_url', 'socket_mode_enabled'].includes(key) ? undefined : value,
      ),
    ) as unknown;
  expect(withoutTransport(socket)).toEqual(withoutTransport(http));
});

test("both manifests type-check as @slack/web-api's manifest, and a wrong enum or scope does not", () => {
  const http = read('manifest.yml');
  const wrongShortcut = structuredClone(http);
  wrongShortcut.features.shortcuts![0].type = 'mesage';
  const wrongScope = structuredClone(http);
  wrongScope.oauth_config.scopes.bot.push('chat:wrte');
  const errors = typeErrors({
    http,
    socket: read('manifest.socket.yml'),
    wrongShortcut,
    wrongScope,
  });
  expect(errors.http).toEqual([]);
  expect(errors.socket).toEqual([]);
  expect(errors.wrongShortcut.join('\n')).toMatch(/"mesage"/);
  expect(errors.wrongScope.join('\n')).toMatch(/"chat:wrte"/);
});

test('the runtime schema check refuses what Slack refuses', () => {
  const manifest = read('manifest.yml') as unknown as Record<string, Record<string, unknown>>;
  const broken = structuredClone(manifest);
  broken.display_information.name = 'a name far longer than thirty-five characters';
  broken.features.shortcuts = [{ name: 'Diagnose RDP', type: 'message', callback_id: 'diagnose_rdp' }];
  broken.settings.unknown_setting = true;
  (broken.features.slash_commands as { command: string }[])[0].command = 'rdp';
  expect(schemaErrors(broken)).toEqual([
    '/display_information/name: longer than 35',
    '/features/shortcuts/0/description: required',
    '/features/slash_commands/0/command: does not match /^\\//',
    '/settings/unknown_setting: not a manifest field here',
  ]);
});
