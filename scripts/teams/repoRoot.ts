import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The repository's root: the nearest folder above this file with a package.json. The same code runs from
 * scripts/ (tests) and compiled from dist-bench/scripts/, so a fixed relative path would be wrong in one of them.
 */
export function repoRoot(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(folder, 'package.json'))) {
    const parent = path.dirname(folder);
    if (parent === folder) throw new Error('cannot find the repository root (no package.json above scripts/)');
    folder = parent;
  }
  return folder;
}
