import ipaddr from 'ipaddr.js';
import { SYMPTOMS, type DiagnosisRequest, type Symptom } from '../diagnosis/facts';

/** A person's input that cannot be used; the message says what was wrong and what to type instead. */
export class InputError extends Error {
  readonly code = 'invalid-input';
}

const HOST_NAME =
  /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\.?$/i;

export function parseSymptom(value: string | undefined): Symptom {
  if (value === undefined || value === '') return 'unknown';
  const symptom = value.trim().toLowerCase();
  if ((SYMPTOMS as readonly string[]).includes(symptom)) return symptom as Symptom;
  throw new InputError(`Unknown symptom "${value.slice(0, 40)}": use one of ${SYMPTOMS.join(', ')}.`);
}

/** An IPv4/IPv6 address or CIDR range, normalised (`203.0.113.10`, `203.0.113.0/24`). */
export function parseSource(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  const text = value.trim();
  try {
    if (text.includes('/')) {
      const [address, prefix] = ipaddr.parseCIDR(text);
      return `${address.toString()}/${prefix}`;
    }
    return ipaddr.parse(text).toString();
  } catch {
    throw new InputError(
      `"${text.slice(0, 60)}" is not an IP address or range: give the address you connect from, e.g. 203.0.113.10 or 203.0.113.0/24.`,
    );
  }
}

export function parseHost(value: string | undefined): string | null {
  if (value === undefined || value === '') return null;
  const host = value.trim();
  if (!HOST_NAME.test(host)) {
    throw new InputError(
      `"${host.slice(0, 60)}" is not a DNS name: give the name you dial, e.g. vm-web-01.contoso.com.`,
    );
  }
  return host.replace(/\.$/, '').toLowerCase();
}

export function parseRequest(input: { symptom?: string; from?: string; host?: string }): DiagnosisRequest {
  return {
    symptom: parseSymptom(input.symptom),
    source: parseSource(input.from),
    host: parseHost(input.host),
  };
}
