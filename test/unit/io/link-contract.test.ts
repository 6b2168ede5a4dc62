// The Link contract against MemoryLink (the same suite runs against AfPacketLink and TunLink in
// test/native/link-contract.test.ts), plus MemoryLink's own device model: queue bound, tx budget.
import test from 'ava';
import { MemoryLink } from '../../../src/io/memory-link.js';
import { FrameBatch } from '../../../src/wire/frame-batch.js';
import { etherTestFrame, linkContract } from '../../native/link-contract-suite.js';

linkContract(test, 'MemoryLink', () => {
  const link = new MemoryLink();
  return Promise.resolve({
    link,
    inject: (frames) => frames.forEach((f) => link.inject(f)),
    collect: () => Promise.resolve(link.collect()),
    frame: etherTestFrame,
    markerAt: 14,
    maxFrame: 1514,
    teardown: () => link.close(),
  });
});

test('MemoryLink: a full receive queue drops and counts', (t) => {
  const link = new MemoryLink({ rxQueue: 2 });
  t.true(link.inject(etherTestFrame(0, 60)));
  t.true(link.inject(etherTestFrame(1, 60)));
  t.false(link.inject(etherTestFrame(2, 60)));
  t.like(link.stats(), { kernelPackets: 3, kernelDrops: 1 });
  const rx = new FrameBatch(8);
  t.is(link.recv(rx), 2);
});

test('MemoryLink: a tx budget pushes back and send returns the frames taken', (t) => {
  const link = new MemoryLink({ txBudget: 2 });
  const tx = new FrameBatch(4);
  for (let i = 0; i < 3; i++) tx.put(i, etherTestFrame(i, 60 + i));
  tx.count = 3;
  t.is(link.send(tx), 2);
  t.deepEqual(link.collect(), [etherTestFrame(0, 60), etherTestFrame(1, 61)]);
  t.like(link.stats(), { txFrames: 2, txBusy: 1 });
});

test('MemoryLink: meta flags given to inject reach rx.meta', (t) => {
  const link = new MemoryLink();
  link.inject(etherTestFrame(0, 60), 1);
  const rx = new FrameBatch(2);
  t.is(link.recv(rx), 1);
  t.is(rx.meta[0], 1);
});
