/**
 * The CI dependency gate (.ci/checkDependencies.mjs): its range check, which packages count as production, and
 * the script as CI runs it, failing on a lockfile with a vulnerable production package and passing on ours.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findVulnerable, satisfies, type Advisory } from '../../../.ci/checkDependencies.mjs';

const SCRIPT = path.resolve('.ci/checkDependencies.mjs');

function lockWith(packages: Record<string, Record<string, unknown>>): unknown {
  return { name: 'x', lockfileVersion: 3, packages: { '': { name: 'x' }, ...packages } };
}

describe('the dependency gate', () => {
  it('reads advisory ranges as semver does', () => {
    expect(satisfies('0.18.0', '<0.19.0')).toBe(true);
    expect(satisfies('0.19.0', '<0.19.0')).toBe(false);
    expect(satisfies('1.11.9', '<0.30.2 || >=1.0.0 <1.12.0')).toBe(true);
    expect(satisfies('0.30.1', '<0.30.2 || >=1.0.0 <1.12.0')).toBe(true);
    expect(satisfies('1.12.0', '<0.30.2 || >=1.0.0 <1.12.0')).toBe(false);
    expect(satisfies('1.12.0-beta.1', '<1.12.0')).toBe(true);
    expect(satisfies('7.5.2', '<5.7.2 || >=6.0.0 <6.3.1 || >=7.0.0 <7.5.2')).toBe(false);
    expect(() => satisfies('1.0.0', '~1.0.0')).toThrow(/comparator/);
  });

  it('counts only production packages, nested ones included', () => {
    const advisories: Advisory[] = [{ package: 'send', vulnerable: '<0.19.0', id: 'CVE-2024-43799', summary: 'XSS', fixed: '0.19.0' }];
    const lock = lockWith({
      'node_modules/send': { version: '0.19.2' },
      'node_modules/restify/node_modules/send': { version: '0.18.0' },
      'node_modules/dev-tool/node_modules/send': { version: '0.17.0', dev: true },
      'node_modules/other/node_modules/send': { version: '0.17.0', devOptional: true },
    });
    expect(findVulnerable(lock, advisories)).toEqual([
      expect.objectContaining({ name: 'send', version: '0.18.0', location: 'node_modules/restify/node_modules/send' }),
    ]);
  });

  it('fails in CI on a lockfile with a vulnerable production package, naming it and the fix', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'depcheck-'));
    const lockfile = path.join(dir, 'package-lock.json');
    await writeFile(lockfile, JSON.stringify(lockWith({ 'node_modules/restify/node_modules/send': { version: '0.18.0' }, 'node_modules/@scope/axios': { version: '1.0.0' } })));
    const run = spawnSync(process.execPath, [SCRIPT, '--offline', '--lockfile', lockfile], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/send@0\.18\.0 .*CVE-2024-43799.*Fixed in 0\.19\.0/);
  });

  it('passes on our own package-lock.json', async () => {
    const run = spawnSync(process.execPath, [SCRIPT, '--offline'], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // The override in package.json is what moves restify's send to a fixed version.
    const lock = JSON.parse(await readFile('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string }> };
    const sends = Object.entries(lock.packages).filter(([location]) => location.endsWith('node_modules/send'));
    expect(sends.length).toBeGreaterThan(0);
    for (const [, entry] of sends) expect(satisfies(entry.version ?? '', '<0.19.0')).toBe(false);
  });

  it('stops with exit code 2 when its inputs are missing', () => {
    const run = spawnSync(process.execPath, [SCRIPT, '--offline', '--lockfile', '/nonexistent/package-lock.json'], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/cannot read/);
  });
});
