// Secrets never reach the audit log: any key that names one has its value replaced, at any depth.

const SECRET_KEY = /password|secret|token|key/i;

export const REDACTED = '[redacted]';

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => [key, isSecretKey(key) ? REDACTED : redact(inner)]),
    );
  }
  return value;
}

/** The secret-named keys anywhere in `value`, as dotted paths, to say which parameter must go. */
export function secretKeyPaths(value: unknown, prefix = ''): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((inner, index) => secretKeyPaths(inner, `${prefix}${index}.`));
  }
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, inner]) =>
      isSecretKey(key) ? [`${prefix}${key}`] : secretKeyPaths(inner, `${prefix}${key}.`),
    );
  }
  return [];
}
