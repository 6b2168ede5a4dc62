// The layer rules (ARCHITECTURE §3) are enforced: dependency-cruiser with the project's own
// config accepts the real tree and rejects a tree where each rule is broken once.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..', '..', '..');
const depcruise = join(root, 'node_modules', '.bin', 'depcruise');

function cruise(dir: string): { status: number | null; out: string } {
  const r = spawnSync(depcruise, ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'src'], {
    cwd: dir,
    encoding: 'utf8',
  });
  return { status: r.status, out: r.stdout + r.stderr };
}

/** A scratch tree holding the project's config and the given files. */
function scratch(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'uvs-layers-'));
  cpSync(join(root, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext' },
      include: ['src'],
    }),
  );
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

const cases: [string, Record<string, string>, string][] = [
  [
    'wire importing engine',
    {
      'src/wire/a.ts': "import { b } from '../engine/b.js';\nexport const a = b;\n",
      'src/engine/b.ts': 'export const b = 1;\n',
    },
    'wire-imports-nothing-of-ours',
  ],
  [
    'engine importing io',
    {
      'src/engine/a.ts': "import { b } from '../io/b.js';\nexport const a = b;\n",
      'src/io/b.ts': 'export const b = 1;\n',
    },
    'engine-imports-only-wire',
  ],
  [
    'io importing engine',
    {
      'src/io/a.ts': "import { b } from '../engine/b.js';\nexport const a = b;\n",
      'src/engine/b.ts': 'export const b = 1;\n',
    },
    'io-never-imports-engine',
  ],
  [
    'cli importing engine',
    {
      'src/cli/a.ts': "import { b } from '../engine/b.js';\nexport const a = b;\n",
      'src/engine/b.ts': 'export const b = 1;\n',
    },
    'cli-never-imports-engine',
  ],
  [
    'engine reaching node:fs',
    { 'src/engine/a.ts': "import { readFileSync } from 'node:fs';\nexport const a = readFileSync;\n" },
    'only-io-touches-the-addon',
  ],
  [
    'a cycle',
    {
      'src/wire/a.ts': "import { b } from './b.js';\nexport const a = (): number => b();\n",
      'src/wire/b.ts': "import { a } from './a.js';\nexport const b = (): number => a();\n",
    },
    'no-cycles',
  ],
];

for (const [title, files, rule] of cases) {
  test(`layers: ${title} is rejected by rule ${rule}`, (t) => {
    const dir = scratch(files);
    try {
      const r = cruise(dir);
      t.not(r.status, 0, r.out);
      t.true(r.out.includes(rule), r.out);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('layers: a tree that keeps the rules passes', (t) => {
  const dir = scratch({
    'src/wire/a.ts': 'export const a = 1;\n',
    'src/engine/b.ts': "import { a } from '../wire/a.js';\nexport const b = a;\n",
    'src/io/c.ts':
      "import { a } from '../wire/a.js';\nimport { readFileSync } from 'node:fs';\nexport const c = [a, readFileSync];\n",
  });
  try {
    const r = cruise(dir);
    t.is(r.status, 0, r.out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
