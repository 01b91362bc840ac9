// Input a person typed that the digest cannot use. The message says what was wrong and what to type.

export type DigestInputCode = 'digest-schedule' | 'digest-timezone' | 'digest-scope' | 'digest-id';

export class DigestInputError extends Error {
  constructor(
    readonly code: DigestInputCode,
    message: string,
  ) {
    super(message);
    this.name = 'DigestInputError';
  }
}
