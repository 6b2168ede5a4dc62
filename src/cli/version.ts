/**
 * The package version, read once from package.json (two levels above src/cli, three above
 * dist/src/cli) for `--version` output of every front end.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

function findVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(fileURLToPath(new URL(rel, import.meta.url)), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === 'uvs' && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // try the next candidate
    }
  }
  return '0.0.0';
}

export const UVS_VERSION: string = findVersion();
