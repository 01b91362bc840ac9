import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Layering (DESIGN.md, docs/architecture.md): only src/slack may talk to Slack, only src/azure and src/fixes
// may use the Azure SDK, and src/diagnosis stays pure.
const noSlack = { group: ['@slack/*'], message: 'Only src/slack/ talks to Slack.' };
const noAzure = { group: ['@azure/*'], message: 'Only src/azure/ and src/fixes/ use the Azure SDK.' };

// The workspace packages that stand in for Azure and Slack (packages/) are not the product: src/ loads them
// only by dynamic import (src/stand-ins.ts), never statically, so neither the build nor the image needs
// them. The one package src/ may import is Slack's published Block Kit limits, plain data.
const noPackages = {
  group: ['@rdp-doctor/*', '!@rdp-doctor/block-kit-limits', '**/packages/**'],
  message:
    'src/ never imports the stand-in packages statically: load them with the dynamic import in src/stand-ins.ts.',
};

// A package speaks only wire shapes: no import of the product's src/ (by relative path out of the package),
// nor of the Azure or Slack SDKs. A file `depth` folders below its package's src/ leaves the package with
// `depth + 2` steps up; packages reach each other by name (@rdp-doctor/...).
const MAX_PACKAGE_DEPTH = 4;
const packageRules = Array.from({ length: MAX_PACKAGE_DEPTH }, (_, depth) => ({
  files: [`packages/*/src/${'*/'.repeat(depth)}*.ts`],
  rules: {
    '@typescript-eslint/no-restricted-imports': [
      'error',
      {
        patterns: [
          {
            group: [`${'../'.repeat(depth + 2)}**`],
            message:
              "A package never imports the product's src/ or another package's files: only wire shapes.",
          },
          { group: ['@slack/*', '@azure/*'], message: 'A package speaks the wire shapes, not the SDKs.' },
        ],
      },
    ],
  },
}));

export default tseslint.config(
  {
    ignores: [
      '**/dist/',
      'node_modules/',
      'data/',
      'coverage/',
      'scripts/',
      'packages/*/scripts/',
      'jest.config.js',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    ignores: ['src/slack/**', 'src/azure/**', 'src/fixes/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [noSlack, noAzure, noPackages] }],
    },
  },
  {
    files: ['src/slack/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [noAzure, noPackages] }] },
  },
  {
    files: ['src/azure/**/*.ts', 'src/fixes/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [noSlack, noPackages] }] },
  },
  ...packageRules,
  {
    files: ['src/diagnosis/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            noSlack,
            noAzure,
            noPackages,
            {
              group: [
                'node:*',
                '/fs',
                '/http',
                '/https',
                '/net',
                '/dns',
                '**/azure/*',
                '**/slack/*',
                '**/store/*',
              ],
              message: 'src/diagnosis is pure: no I/O.',
            },
          ],
        },
      ],
    },
  },
  {
    // Plain CommonJS helpers that child processes load before any TypeScript.
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: globals.node },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
);
