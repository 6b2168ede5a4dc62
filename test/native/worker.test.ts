// The addon in a worker thread: each thread has its own handle table, and a worker that is
// terminated with a poller still running tears down cleanly (the poller's async cleanup hook
// closes its uv handle before the worker's loop closes; without it node aborts the process).
// Needs root for the TUN device; skipped with a message otherwise.
import test from 'ava';
import { Worker } from 'node:worker_threads';
import { nativeAddonPath } from '../../src/io/native.js';
import { isRoot, NetnsRig } from '../helpers/netns.js';

const root = isRoot ? test.serial : test.skip;
if (!isRoot) test('worker test needs root: skipped', (t) => t.pass());

root('a worker with an open TUN and a running poller terminates cleanly', async (t) => {
  const rig = new NetnsRig('wrk');
  t.teardown(() => rig.destroy());
  const ns = rig.ns();
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const addon = require(workerData.path);
    const h = addon.tunOpen({ name: 'uvw%d', netns: workerData.ns });
    const p = h >= 0 ? addon.pollStart(h, () => {}) : h;
    parentPort.postMessage({ h, p, other: addon.fd(h + 1000) });
  `;
  const w = new Worker(code, { eval: true, workerData: { path: nativeAddonPath(), ns } });
  const msg = await new Promise<{ h: number; p: number; other: number }>((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  t.true(msg.h >= 0);
  t.is(msg.p, 0);
  t.is(msg.other, -9); // EBADF: ids are per thread
  const code2 = await w.terminate();
  t.is(code2, 1);
  // The device went away with the worker's fd.
  t.false(rig.ip(ns, 'link', 'show').includes('uvw'));
});
