import { generate } from 'selfsigned';

// The SDK refuses bearer tokens over plain HTTP, so the emulator speaks HTTPS with a certificate made at
// start for 127.0.0.1 and localhost. It is its own CA, so callers trust exactly it (`caCertificate`, or
// NODE_EXTRA_CA_CERTS) and nothing else changes about their TLS checks.

export interface SandboxCertificate {
  cert: string;
  key: string;
}

export async function createCertificate(): Promise<SandboxCertificate> {
  const notBeforeDate = new Date(Date.now() - 60_000);
  const pems = await generate([{ name: 'commonName', value: 'rdp-doctor sandbox' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + 7 * 24 * 3_600_000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
