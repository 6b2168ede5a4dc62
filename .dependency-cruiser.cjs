// Layer rules of ARCHITECTURE §3, checked by `npm run layers` (part of `npm test`).
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-cycles', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'wire-imports-nothing-of-ours',
      severity: 'error',
      comment: 'src/wire is pure: it imports only other wire files',
      from: { path: '^src/wire/' },
      to: { path: '^src/', pathNot: '^src/wire/' },
    },
    {
      name: 'engine-imports-only-wire',
      severity: 'error',
      from: { path: '^src/engine/' },
      to: { path: '^src/', pathNot: '^src/(engine|wire)/' },
    },
    {
      name: 'io-never-imports-engine',
      severity: 'error',
      comment: 'io/ may use wire/ but never engine/, control/, daemon/ or cli/',
      from: { path: '^src/io/' },
      to: { path: '^src/(engine|control|daemon|cli)/' },
    },
    {
      name: 'control-not-above',
      severity: 'error',
      comment: 'control/ models rules; it never reaches io/, daemon/ or cli/',
      from: { path: '^src/control/' },
      to: { path: '^src/(io|daemon|cli)/' },
    },
    {
      name: 'cli-never-imports-engine',
      severity: 'error',
      comment:
        'front ends reach the engine only through daemon/ (the composition root) or the control socket',
      from: { path: '^src/cli/' },
      to: { path: '^src/engine/' },
    },
    {
      name: 'only-io-touches-the-addon',
      severity: 'error',
      comment: 'the native addon and raw node I/O modules are reached through src/io only',
      from: { path: '^src/(wire|engine|control)/' },
      to: {
        path: '(^build/|node:(fs|net|dgram|child_process|worker_threads)$|^(fs|net|dgram|child_process|worker_threads)$)',
      },
    },
    {
      name: 'no-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
