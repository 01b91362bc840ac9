import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

// Layering (DESIGN.md): only src/slack may talk to Slack, only src/azure and src/fixes (and the sandbox
// that stands in for Azure) may use the Azure SDK, and src/diagnosis stays pure.
const noSlack = { group: ['@slack/*'], message: 'Only src/slack/ talks to Slack.' };
const noAzure = { group: ['@azure/*'], message: 'Only src/azure/ and src/fixes/ use the Azure SDK.' };

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'data/', 'coverage/', 'scripts/', 'jest.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.ts'],
    ignores: ['src/slack/**', 'src/azure/**', 'src/fixes/**', 'src/sandbox/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [noSlack, noAzure] }] },
  },
  {
    files: ['src/slack/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [noAzure] }] },
  },
  {
    files: ['src/azure/**/*.ts', 'src/fixes/**/*.ts', 'src/sandbox/**/*.ts'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [noSlack] }] },
  },
  {
    files: ['src/diagnosis/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            noSlack,
            noAzure,
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
