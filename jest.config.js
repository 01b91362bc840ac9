/** @type {import('jest').Config} */
module.exports = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/src', '<rootDir>/packages'],
  testMatch: ['**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  // The workspace packages run from their TypeScript source, as the product's own modules do.
  moduleNameMapper: {
    '^@rdp-doctor/([^/]+)$': '<rootDir>/packages/$1/src',
    '^@rdp-doctor/([^/]+)/(.+)$': '<rootDir>/packages/$1/src/$2',
  },
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  testTimeout: 30000,
  // A PostgreSQL server for the store tests where none answers (a fresh laptop); CI's answers.
  globalSetup: '<rootDir>/test/support/postgres-setup.ts',
  globalTeardown: '<rootDir>/test/support/postgres-teardown.ts',
};
