#!/usr/bin/env node
// `npm run bench [-- group ...] [--quick]`: runs each benchmark group in its own process (a
// group's figures are not skewed by another group's JIT state), collects the JSON-line figures
// each prints, writes bench/results/latest.json and latest.md, appends a line to history.jsonl
// and prints a table. Figures are reported, never asserted.
import { spawnSync } from 'node:child_process';
import { appendFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, release } from 'node:os';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const wanted = args.filter((a) => !a.startsWith('--'));
const groups = readdirSync('bench')
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.slice(0, -'.bench.ts'.length))
  .filter((g) => wanted.length === 0 || wanted.includes(g))
  .sort();
if (wanted.length > 0 && groups.length !== wanted.length) {
  const missing = wanted.filter((w) => !groups.includes(w));
  process.stderr.write(`bench: no such group: ${missing.join(', ')}\n`);
  process.exit(2);
}

const figures = [];
const failures = [];
for (const g of groups) {
  process.stderr.write(`bench: ${g} ...\n`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--expose-gc', `bench/${g}.bench.ts`], {
    encoding: 'utf8',
    env: { ...process.env, UVS_BENCH_QUICK: quick ? '1' : '' },
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 10 * 60 * 1000,
  });
  if (r.status !== 0) failures.push(`${g} (exit ${r.status ?? r.signal})`);
  for (const line of r.stdout.split('\n')) {
    if (!line.trim()) continue;
    try {
      const f = JSON.parse(line);
      if (typeof f.name === 'string' && typeof f.value === 'number') figures.push({ group: g, ...f });
    } catch {
      process.stderr.write(`bench: ${g}: ignoring non-JSON output: ${line}\n`);
    }
  }
}

// Ratios against a named baseline from the same run (higher is better; times are inverted).
const byName = new Map(figures.map((f) => [f.name, f]));
for (const f of figures) {
  if (!f.baseline) continue;
  const b = byName.get(f.baseline);
  if (!b || !b.value || !f.value) continue;
  const lowerIsBetter = /(^|_)(ns|ms|bytes)/.test(f.unit) || f.unit === 'ns' || f.unit === 'ms';
  f.ratio = Number((lowerIsBetter ? b.value / f.value : f.value / b.value).toFixed(3));
}

const machine = {
  cores: cpus().length,
  cpu: cpus()[0]?.model ?? 'unknown',
  kernel: release(),
  node: process.version,
};
const result = { date: new Date().toISOString(), quick, machine, figures };
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/latest.json', `${JSON.stringify(result, null, 2)}\n`);
const rows = figures.map((f) => [
  f.name,
  fmt(f.value),
  f.unit,
  f.baseline ?? '',
  f.ratio === undefined ? '' : String(f.ratio),
]);
const head = ['figure', 'value', 'unit', 'baseline', 'ratio'];
const md = [
  `# Benchmark results`,
  '',
  `${result.date} · ${machine.cpu} × ${machine.cores} · Linux ${machine.kernel} · Node ${machine.node}${quick ? ' · quick' : ''}`,
  '',
  `| ${head.join(' | ')} |`,
  `|${head.map(() => '---').join('|')}|`,
  ...rows.map((r) => `| ${r.join(' | ')} |`),
  '',
].join('\n');
writeFileSync('bench/results/latest.md', md);
appendFileSync(
  'bench/results/history.jsonl',
  `${JSON.stringify({ date: result.date, quick, machine, figures: Object.fromEntries(figures.map((f) => [f.name, f.value])) })}\n`,
);

const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) =>
  r.map((c, i) => (i === 1 || i === 4 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ');
process.stdout.write(
  `${line(head)}\n${line(widths.map((w) => '-'.repeat(w)))}\n${rows.map(line).join('\n')}\n`,
);
if (failures.length > 0) {
  process.stderr.write(`bench: failed groups: ${failures.join(', ')}\n`);
  process.exitCode = 1;
}

function fmt(v) {
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 10) return v.toFixed(1);
  return v.toFixed(2);
}
