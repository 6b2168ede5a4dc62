// Applying ipvsadm table commands to a RuleSet with the kernel's semantics: which lookups run
// first, which errno each failure gives, what an edit replaces.
//
// Owns: applyCommand (one command, mutating the RuleSet in place) and lookups by key.
// Must not: parse text, touch the engine (the daemon's apply step diffs RuleSets into engine
// calls), keep counters.
// Invariants: services and dests keep insertion order; a failed command leaves the RuleSet
// unchanged; an edit replaces every field (ipvsadm always sends the full struct).
// Source: net/netfilter/ipvs/ip_vs_ctl.c (do_ip_vs_set_ctl / ip_vs_genl_set_cmd: service lookup
// before anything else, ESRCH "No such service" / "Service not defined"; ip_vs_add_dest and
// ip_vs_edit_dest: threshold ERANGE before the dest lookup; EEXIST / ENOENT), libipvs.c
// ipvs_strerror for the texts.

import { IPVS_MSG, UvsError } from './errors.js';
import type { ParsedCommand } from './ipvsadm-args.js';
import { destKey, serviceKey } from './model.js';
import type { DestSpec, RuleSet, ServiceKey, ServiceRules, ServiceSpec } from './model.js';
import { checkDestKernel, checkServiceKernel } from './validate.js';

export function findService(rs: RuleSet, key: ServiceKey): ServiceRules | undefined {
  const k = serviceKey(key);
  return rs.services.find((s) => serviceKey(s.svc) === k);
}

export function findDest(svc: ServiceRules, d: Pick<DestSpec, 'daddr' | 'dport'>): number {
  const k = destKey(d);
  return svc.dests.findIndex((x) => destKey(x) === k);
}

function copyService(svc: ServiceSpec): ServiceSpec {
  return { ...svc, flags: { ...svc.flags } };
}

/**
 * Apply one parsed command to the rule set. Returns null on success (including commands that do
 * not change rules: list, save, zero of an existing service, --set, daemon control) or the error
 * ipvsadm would print.
 */
export function applyCommand(rs: RuleSet, cmd: ParsedCommand): UvsError | null {
  switch (cmd.kind) {
    case 'add-service': {
      if (findService(rs, cmd.svc) !== undefined)
        return new UvsError('UVS_ERR_SERVICE_EXISTS', IPVS_MSG.serviceExists);
      const bad = checkServiceKernel(cmd.svc);
      if (bad !== null) return bad;
      rs.services.push({ svc: copyService(cmd.svc), dests: [] });
      return null;
    }
    case 'edit-service': {
      const s = findService(rs, cmd.svc);
      if (s === undefined) return new UvsError('UVS_ERR_NO_SUCH_SERVICE', IPVS_MSG.noSuchService);
      const bad = checkServiceKernel(cmd.svc);
      if (bad !== null) return bad;
      s.svc = copyService(cmd.svc);
      return null;
    }
    case 'delete-service': {
      const s = findService(rs, cmd.svc);
      if (s === undefined) return new UvsError('UVS_ERR_NO_SUCH_SERVICE', IPVS_MSG.noSuchService);
      rs.services.splice(rs.services.indexOf(s), 1);
      return null;
    }
    case 'add-dest': {
      const s = findService(rs, cmd.svc);
      if (s === undefined) return new UvsError('UVS_ERR_NO_SUCH_SERVICE', IPVS_MSG.serviceNotDefined);
      const bad = checkDestKernel(cmd.dest);
      if (bad !== null) return bad;
      if (findDest(s, cmd.dest) >= 0) return new UvsError('UVS_ERR_DEST_EXISTS', IPVS_MSG.destExists);
      s.dests.push({ ...cmd.dest });
      return null;
    }
    case 'edit-dest': {
      const s = findService(rs, cmd.svc);
      if (s === undefined) return new UvsError('UVS_ERR_NO_SUCH_SERVICE', IPVS_MSG.serviceNotDefined);
      const bad = checkDestKernel(cmd.dest);
      if (bad !== null) return bad;
      const i = findDest(s, cmd.dest);
      if (i < 0) return new UvsError('UVS_ERR_NO_SUCH_DEST', IPVS_MSG.noSuchDest);
      s.dests[i] = { ...cmd.dest };
      return null;
    }
    case 'delete-dest': {
      const s = findService(rs, cmd.svc);
      if (s === undefined) return new UvsError('UVS_ERR_NO_SUCH_SERVICE', IPVS_MSG.serviceNotDefined);
      const i = findDest(s, cmd.dest);
      if (i < 0) return new UvsError('UVS_ERR_NO_SUCH_DEST', IPVS_MSG.noSuchDest);
      s.dests.splice(i, 1);
      return null;
    }
    case 'clear':
      rs.services.length = 0;
      return null;
    case 'zero':
      if (cmd.svc !== null && findService(rs, cmd.svc) === undefined) {
        return new UvsError('UVS_ERR_NO_SUCH_SERVICE', IPVS_MSG.noSuchService);
      }
      return null;
    case 'list':
    case 'save':
    case 'restore':
    case 'set-timeouts':
    case 'start-daemon':
    case 'stop-daemon':
    case 'help':
    case 'version':
      return null;
  }
}
