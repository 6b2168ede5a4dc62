// A small, exact model of how popt 1.19 (Debian bookworm, used by ipvsadm 1.31) walks argv:
// short-option clusters, `--long[=value]`, required and optional values, `--`, positional
// leftovers, and the error it reports (`<arg>: unknown option`, `<arg>: missing argument`).
//
// Owns: the scanner state machine only. The option table and what each option means live in
// ipvsadm-options.ts / ipvsadm-args.ts.
// Must not: throw, interpret values.
// Invariants (popt.c poptGetNextOpt):
// - a word not starting with '-' (or exactly '-') is a leftover; scanning continues after it;
// - `--` makes every later word a leftover;
// - `--name` must match a long name exactly (no abbreviations); a single dash word is a short
//   cluster (no ipvsadm option is ONEDASH); `--name=v` gives the value inline (ignored for
//   options without a value);
// - in a cluster the rest of the word is the value of an option that takes one; a '=' right
//   after a short option letter is skipped (`-p=60`);
// - an optional value is taken from the next word only when that word does not start with '-';
// - the word reported on error is argv[next - 1]: the word being scanned, or the value just
//   consumed.

export type ArgKind = 'none' | 'required' | 'optional';

export interface PoptOption<Tag extends string> {
  long: string | null;
  short: string | null;
  arg: ArgKind;
  tag: Tag;
}

export type PoptEvent<Tag extends string> =
  | { type: 'option'; tag: Tag; value: string | null; opt: PoptOption<Tag> }
  | { type: 'end' }
  | { type: 'error'; reason: 'unknown option' | 'missing argument'; badOption: string };

export class PoptScanner<Tag extends string> {
  private next = 0;
  private nextChar: string | null = null;
  private restLeftover = false;
  readonly leftovers: string[] = [];

  constructor(
    private readonly table: readonly PoptOption<Tag>[],
    private readonly argv: readonly string[],
  ) {}

  /** argv[next - 1], what poptBadOption(POPT_BADOPTION_NOALIAS) returns. */
  badOption(): string {
    return this.argv[this.next - 1] ?? '';
  }

  nextOption(): PoptEvent<Tag> {
    for (;;) {
      let opt: PoptOption<Tag> | undefined;
      let longArg: string | null = null;
      if (this.nextChar === null) {
        if (this.next >= this.argv.length) return { type: 'end' };
        const word = this.argv[this.next++] ?? '';
        if (this.restLeftover || word[0] !== '-' || word === '-') {
          this.leftovers.push(word);
          continue;
        }
        if (word === '--') {
          this.restLeftover = true;
          continue;
        }
        if (word[1] === '-') {
          const body = word.slice(2);
          const eq = body.indexOf('=');
          const name = eq >= 0 ? body.slice(0, eq) : body;
          if (eq >= 0) longArg = body.slice(eq + 1);
          opt = this.table.find((o) => o.long === name);
          if (opt === undefined) return { type: 'error', reason: 'unknown option', badOption: word };
        } else {
          this.nextChar = word.slice(1);
        }
      }
      if (this.nextChar !== null) {
        const rest = this.nextChar;
        this.nextChar = null;
        const c = rest[0];
        opt = c === undefined ? undefined : this.table.find((o) => o.short === c);
        if (opt === undefined)
          return { type: 'error', reason: 'unknown option', badOption: this.badOption() };
        const after = rest.slice(1);
        if (after !== '') this.nextChar = after[0] === '=' ? after.slice(1) : after;
      }
      if (opt === undefined) return { type: 'end' }; // unreachable: both branches set opt
      if (opt.arg === 'none') return { type: 'option', tag: opt.tag, value: null, opt };
      let value: string | null;
      if (longArg !== null) {
        value = longArg;
      } else if (this.nextChar !== null) {
        value = this.nextChar;
        this.nextChar = null;
      } else if (this.next >= this.argv.length) {
        if (opt.arg === 'required') {
          return { type: 'error', reason: 'missing argument', badOption: this.badOption() };
        }
        value = null;
      } else if (opt.arg === 'optional' && (this.argv[this.next] ?? '')[0] === '-') {
        value = null;
      } else {
        value = this.argv[this.next++] ?? '';
      }
      return { type: 'option', tag: opt.tag, value, opt };
    }
  }

  /** poptGetArg: the next leftover word, in order. */
  takeLeftover(): string | undefined {
    return this.leftovers.shift();
  }
}
