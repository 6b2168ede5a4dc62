#!/usr/bin/env node
// `npm test`: runs every test tier in order and ends with one line `N passed, N failed`.
//
// Tiers: types (tsc, which also builds dist/ for the bin/ launchers), lint (eslint), format
// (prettier --check), layers (dependency-cruiser: ARCHITECTURE §3 rules and no cycles), then the
// ava suites (unit, golden, native; netns when root). Each non-ava tier counts as one check; ava
// tests count one each, read from its TAP output. Exit status is non-zero if anything failed.
//
// Options: --only=<tier>[,<tier>] runs a subset; ava arguments may follow `--`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);
const dashdash = args.indexOf('--');
const avaExtra = dashdash >= 0 ? args.slice(dashdash + 1) : [];
const only = (args.find((a) => a.startsWith('--only=')) ?? '')
  .slice('--only='.length)
  .split(',')
  .filter(Boolean);

const npx = (bin, binArgs) => ['node', [`node_modules/.bin/${bin}`, ...binArgs]];

const tiers = [
  { name: 'types', cmd: npx('tsc', ['-p', 'tsconfig.json']) },
  { name: 'lint', cmd: npx('eslint', ['--max-warnings=0', '.']) },
  { name: 'format', cmd: npx('prettier', ['--check', '--log-level=warn', '.']) },
  {
    name: 'layers',
    cmd: npx('depcruise', ['--config', '.dependency-cruiser.cjs', '--output-type', 'err', 'src']),
  },
  { name: 'ava', ava: true, cmd: npx('ava', ['--tap', ...avaExtra]) },
];
if (existsSync('netns/ava.config.js')) {
  tiers.push({ name: 'netns', ava: true, cmd: npx('ava', ['--tap', '--config', 'netns/ava.config.js']) });
}

function run(tier) {
  return new Promise((resolve) => {
    const [cmd, cmdArgs] = tier.cmd;
    const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let pass = 0;
    let fail = 0;
    let skip = 0;
    let buf = '';
    const onLine = (line) => {
      if (!tier.ava) return;
      if (/^ok \d+/.test(line)) {
        if (/# (SKIP|TODO)/i.test(line)) skip++;
        else pass++;
      } else if (/^not ok \d+/.test(line)) {
        if (/# TODO/i.test(line)) skip++;
        else fail++;
      }
    };
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      buf += chunk.toString('utf8');
      let nl;
      while ((nl = buf.indexOf('\n')) >= 0) {
        onLine(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
      }
    });
    child.on('close', (code, signal) => {
      if (buf) onLine(buf);
      const ok = code === 0;
      if (!tier.ava) resolve({ pass: ok ? 1 : 0, fail: ok ? 0 : 1, skip: 0, ok });
      // An ava run that exits non-zero without a failing test (crash, timeout, no tests) is a failure too.
      else resolve({ pass, fail: fail + (ok || fail > 0 ? 0 : 1), skip, ok, signal });
    });
  });
}

let passed = 0;
let failed = 0;
let skipped = 0;
const lines = [];
for (const tier of tiers) {
  if (only.length > 0 && !only.includes(tier.name)) continue;
  process.stdout.write(`\n=== ${tier.name} ===\n`);
  const t0 = Date.now();
  const r = await run(tier);
  passed += r.pass;
  failed += r.fail;
  skipped += r.skip;
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  lines.push(
    `${tier.name.padEnd(8)} ${r.ok ? 'ok  ' : 'FAIL'} ${r.pass} passed, ${r.fail} failed${r.skip ? `, ${r.skip} skipped` : ''} (${secs} s)`,
  );
}
process.stdout.write(`\n=== summary ===\n${lines.join('\n')}\n`);
process.stdout.write(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exitCode = failed > 0 ? 1 : 0;
