// Slack's app manifest schema, as the facts Slack publishes it: the JSON Schema of
// github.com/slackapi/manifest-schema (schemas/manifest.schema.1.0.0.json, draft-07; every object has
// additionalProperties: false) for required fields, enums, lengths and patterns, and @slack/web-api's
// `Manifest` type (src/types/request/manifest.ts) for what the JSON Schema leaves open. Parts of the
// manifest the app does not use (functions, workflows, datastores…) are only checked to be objects.

type Rule =
  | { kind: 'string'; min?: number; max?: number; pattern?: RegExp; oneOf?: readonly string[] }
  | { kind: 'boolean' }
  | { kind: 'integer' }
  | { kind: 'any' }
  | { kind: 'array'; items: Rule; min?: number; max?: number; unique?: boolean }
  | { kind: 'object'; props: Record<string, Rule>; required?: readonly string[] };

const str = (min?: number, max?: number, pattern?: RegExp): Rule => ({ kind: 'string', min, max, pattern });
const bool: Rule = { kind: 'boolean' };
const any: Rule = { kind: 'any' };
const obj = (props: Record<string, Rule>, required: readonly string[] = []): Rule => ({
  kind: 'object',
  props,
  required,
});
const list = (items: Rule, limits: { min?: number; max?: number; unique?: boolean } = {}): Rule => ({
  kind: 'array',
  items,
  ...limits,
});
const URL_PATTERN = /^https?:\/\//;
const scopeList = list(str(undefined, 50), { max: 255 });
const eventList = list(str(undefined, 50), { max: 100, unique: true });

export const MANIFEST_SCHEMA: Rule = obj(
  {
    $schema: str(),
    _metadata: obj({
      schema_version: { kind: 'integer' },
      min_version: { kind: 'integer' },
      major_version: { kind: 'integer' },
      minor_version: { kind: 'integer' },
    }),
    app_directory: any,
    display_information: obj(
      {
        name: str(1, 35),
        description: str(1, 140),
        background_color: str(4, 7, /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/),
        long_description: str(175, 4000),
      },
      ['name'],
    ),
    features: obj({
      app_home: obj({
        home_tab_enabled: bool,
        messages_tab_enabled: bool,
        messages_tab_read_only_enabled: bool,
      }),
      bot_user: obj({ display_name: str(1, 80), always_online: bool }, ['display_name']),
      shortcuts: list(
        obj(
          {
            name: str(1, 24),
            type: { kind: 'string', oneOf: ['message', 'global'] },
            callback_id: str(1, 255),
            description: str(1, 150),
          },
          ['name', 'type', 'callback_id', 'description'],
        ),
        { min: 1, max: 10 },
      ),
      slash_commands: list(
        obj(
          {
            command: str(2, 32, /^\//),
            url: str(undefined, 3000, URL_PATTERN),
            description: str(1, 2000),
            usage_hint: str(1, 1000),
            should_escape: bool,
          },
          ['command', 'description'],
        ),
        { min: 1, max: 50 },
      ),
      unfurl_domains: list(str(), { max: 5 }),
      functions: any,
      workflow_steps: any,
      assistant_view: any,
      agent_view: any,
    }),
    oauth_config: obj({
      redirect_urls: list(str(), { max: 1000 }),
      scopes: obj({ user: scopeList, bot: scopeList, user_optional: scopeList, bot_optional: scopeList }),
      token_management_enabled: bool,
      pkce_enabled: bool,
    }),
    settings: obj({
      allowed_ip_address_ranges: list(str(), { max: 50 }),
      event_subscriptions: obj({
        request_url: str(undefined, 3500, URL_PATTERN),
        bot_events: eventList,
        user_events: eventList,
        metadata_subscriptions: any,
      }),
      incoming_webhooks: any,
      interactivity: obj(
        {
          is_enabled: bool,
          request_url: str(undefined, 3500, URL_PATTERN),
          message_menu_options_url: str(undefined, 3500, URL_PATTERN),
        },
        ['is_enabled'],
      ),
      org_deploy_enabled: bool,
      socket_mode_enabled: bool,
      is_hosted: bool,
      token_rotation_enabled: bool,
      siws_links: any,
      hermes_app_type: str(),
      function_runtime: str(),
      is_mcp_enabled: bool,
    }),
    functions: any,
    workflows: any,
    datastores: any,
    outgoing_domains: any,
    types: any,
    external_auth_providers: any,
    mcp_servers: any,
  },
  ['display_information'],
);

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
}

/** Every way `value` breaks `rule`, as `path: what is wrong`; empty when it conforms. */
export function schemaErrors(value: unknown, rule: Rule = MANIFEST_SCHEMA, path = ''): string[] {
  const at = path || '/';
  switch (rule.kind) {
    case 'any':
      return [];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${at}: expected a boolean, got ${describe(value)}`];
    case 'integer':
      return Number.isInteger(value) ? [] : [`${at}: expected an integer, got ${describe(value)}`];
    case 'string': {
      if (typeof value !== 'string') return [`${at}: expected a string, got ${describe(value)}`];
      const errors: string[] = [];
      if (rule.min !== undefined && value.length < rule.min) errors.push(`${at}: shorter than ${rule.min}`);
      if (rule.max !== undefined && value.length > rule.max) errors.push(`${at}: longer than ${rule.max}`);
      if (rule.pattern && !rule.pattern.test(value)) errors.push(`${at}: does not match ${rule.pattern}`);
      if (rule.oneOf && !rule.oneOf.includes(value))
        errors.push(`${at}: "${value}" is not one of ${rule.oneOf.join(', ')}`);
      return errors;
    }
    case 'array': {
      if (!Array.isArray(value)) return [`${at}: expected an array, got ${describe(value)}`];
      const errors = value.flatMap((item, index) => schemaErrors(item, rule.items, `${path}/${index}`));
      if (rule.min !== undefined && value.length < rule.min)
        errors.push(`${at}: fewer than ${rule.min} items`);
      if (rule.max !== undefined && value.length > rule.max)
        errors.push(`${at}: more than ${rule.max} items`);
      if (rule.unique && new Set(value.map((item) => JSON.stringify(item))).size !== value.length)
        errors.push(`${at}: items repeat`);
      return errors;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return [`${at}: expected an object, got ${describe(value)}`];
      const record = value as Record<string, unknown>;
      const errors = (rule.required ?? [])
        .filter((key) => !(key in record))
        .map((key) => `${path}/${key}: required`);
      for (const [key, item] of Object.entries(record)) {
        const child = rule.props[key];
        if (!child) errors.push(`${path}/${key}: not a manifest field here`);
        else errors.push(...schemaErrors(item, child, `${path}/${key}`));
      }
      return errors;
    }
  }
}
