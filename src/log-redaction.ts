// What a log line must never carry, scrubbed from the finished line whatever wrote it: our own calls,
// Bolt's and the Web API client's (which log request bodies as text at debug), error messages and stacks.
// Two nets: any value under a secret-named key, at any depth and inside text that embeds JSON or form
// fields; and any secret value the process knows (generated passwords, tokens from config), wherever it
// appears.

export const CENSOR = '[redacted]';

const SECRET_KEY = /pass(?:word|wd|phrase)|secret|token|authorization|credential|cookie/i;
const KEY_PART =
  '(?:[\\w.-]*(?:pass(?:word|wd|phrase)|secret|token|authorization|credential|cookie)[\\w.-]*)';
/** `"Password": "…"` inside text (a JSON body logged as a string). */
const EMBEDDED_JSON = new RegExp(`("${KEY_PART}"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');
/** `password=…` inside text (a form body or a query string logged as a string). */
const EMBEDDED_FIELD = new RegExp(`(\\b${KEY_PART}=)[^&\\s"']+`, 'gi');

/** Secrets shorter than this are not scrubbed by value: they would cut ordinary words out of every line. */
export const MIN_SECRET_LENGTH = 8;

function scrubText(text: string, secrets: Iterable<string>): string {
  let out = text.replace(EMBEDDED_JSON, `$1"${CENSOR}"`).replace(EMBEDDED_FIELD, `$1${CENSOR}`);
  for (const secret of secrets) {
    for (const form of new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])) {
      if (out.includes(form)) out = out.split(form).join(CENSOR);
    }
  }
  return out;
}

function scrubValue(value: unknown, secrets: Iterable<string>): unknown {
  if (typeof value === 'string') return scrubText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [
        key,
        SECRET_KEY.test(key) && inner !== null && typeof inner !== 'object'
          ? CENSOR
          : scrubValue(inner, secrets),
      ]),
    );
  }
  return value;
}

/** One finished log line (pino's JSON, newline-terminated), with every secret cut out. */
export function scrubLogLine(line: string, secrets: Iterable<string>): string {
  const body = line.trimEnd();
  const ending = line.slice(body.length);
  try {
    return JSON.stringify(scrubValue(JSON.parse(body), secrets)) + ending;
  } catch {
    return scrubText(line, secrets);
  }
}
