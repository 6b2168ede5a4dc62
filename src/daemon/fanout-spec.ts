/**
 * The FanoutSpec (src/io/fanout-bpf.ts) of a rule set: every VIP, and every NAT real server with
 * the port its replies come from, so the fanout program sends both directions of a NAT conn to
 * one worker. Dest port 0 with a port-0 or fwmark service means "any port".
 */
import { addrWords } from '../control/addr-text.js';
import type { RuleSet } from '../control/model.js';
import type { FanoutSpec } from '../io/fanout-bpf.js';

export function fanoutSpecOf(rules: RuleSet): FanoutSpec {
  const vips: FanoutSpec['vips'][number][] = [];
  const natDests: FanoutSpec['natDests'][number][] = [];
  for (const r of rules.services) {
    const s = r.svc;
    if (s.fwmark === 0) vips.push({ af: s.af, addr: addrWords(s.af, s.vaddr) });
    for (const d of r.dests) {
      if (d.fwd !== 'nat') continue;
      natDests.push({
        af: d.af,
        addr: addrWords(d.af, d.daddr),
        port: d.dport || (s.fwmark !== 0 ? 0 : s.vport),
      });
    }
  }
  return { vips, natDests };
}
