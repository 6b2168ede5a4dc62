// A rich table through uvsadm, one expected file per list layout: every scheduler and flag,
// persistence with IPv4 netmasks and IPv6 prefixes, one-packet, thresholds, every method, weights
// 0 and 65535, IPv4 and IPv6. The kernel recordings pin the layouts on small tables
// (uvsadm-listings.test.ts); these pin the columns and flags those tables never reach. Expected
// files were reviewed against ipvsadm 1.31's printf formats (shared reference, section 3.8);
// UPDATE_GOLDEN=1 rewrites them.
import test from 'ava';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { harness } from '../unit/cli/uvsadm-harness.js';

const DIR = join(import.meta.dirname, 'uvsadm-rich');
const LAYOUTS: [string, string[]][] = [
  ['Ln', ['-Ln']],
  ['Ln-stats', ['-Ln', '--stats']],
  ['Ln-rate', ['-Ln', '--rate']],
  ['Ln-thresholds', ['-Ln', '--thresholds']],
  ['Ln-persistent-conn', ['-Ln', '--persistent-conn']],
  ['Ln-nosort', ['-Ln', '--nosort']],
  ['Ln-one-service', ['-Ln', '-t', '[fd00::1]:80']],
  ['Sn', ['-Sn']],
  ['Ln-timeout', ['-Ln', '--timeout']],
];

async function table() {
  const h = harness();
  const r = await h.run(['-R'], readFileSync(join(DIR, 'rules.txt'), 'utf8'));
  if (r.code !== 0) throw new Error(`restore failed: ${r.err}`);
  return h;
}

for (const [name, argv] of LAYOUTS) {
  test(`rich table: uvsadm ${argv.join(' ')}`, async (t) => {
    const h = await table();
    const r = await h.run(argv);
    t.is(r.code, 0, r.err);
    const file = join(DIR, `${name}.txt`);
    if (process.env['UPDATE_GOLDEN'] === '1' || !existsSync(file)) writeFileSync(file, r.out);
    t.is(r.out, readFileSync(file, 'utf8'));
  });
}

test('rich table: -S output restores to the same table', async (t) => {
  const h = await table();
  const saved = (await h.run(['-Sn'])).out;
  const h2 = harness();
  t.is((await h2.run(['-R'], saved)).code, 0);
  t.is((await h2.run(['-Sn'])).out, saved);
});
