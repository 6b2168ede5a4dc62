// eslint flat config. Type-aware rules for the whole tree; the hot-path bans of
// ARCHITECTURE §4 for src/wire and src/engine (construction code opts out per line with a reason).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const hotPathBans = [
  {
    selector: "CallExpression[callee.property.name='subarray']",
    message: 'per-packet path: no subarray (allocates)',
  },
  {
    selector: "CallExpression[callee.property.name='slice']",
    message: 'per-packet path: no slice (allocates)',
  },
  { selector: "NewExpression[callee.name='DataView']", message: 'per-packet path: no new DataView' },
  { selector: 'TemplateLiteral', message: 'per-packet path: no template strings' },
  { selector: 'SpreadElement', message: 'per-packet path: no spread' },
  { selector: 'AwaitExpression', message: 'per-packet path: no await' },
  { selector: 'FunctionDeclaration[async=true]', message: 'per-packet path: no async' },
  { selector: 'ThrowStatement', message: 'per-packet path: no throw; return a code' },
];

export default tseslint.config(
  { ignores: ['dist/', 'build/', 'node_modules/', 'coverage/'] },
  js.configs.recommended,
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.recommendedTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['src/wire/**/*.ts', 'src/engine/**/*.ts'],
    rules: { 'no-restricted-syntax': ['error', ...hotPathBans] },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', module: 'writable', URL: 'readonly' },
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'netns/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
    },
  },
);
