#!/usr/bin/env node
/**
 * CI gate: fails when a production dependency has a known vulnerability.
 *
 * 1. `npm audit --omit=dev --json`, when the registry's audit endpoint answers (some registries and mirrors refuse
 *    it: 405, or no network). Findings of moderate severity or above fail the check.
 * 2. Always, and the only check when the endpoint cannot be used: package-lock.json's production packages against
 *    the vetted list in .ci/known-vulnerable.json, which is kept in the repository.
 *
 * Usage: node .ci/checkDependencies.mjs [--lockfile <path>] [--advisories <path>] [--offline]
 * Exit 0: nothing known; 1: a vulnerable production package (each is listed, with its advisory and fixed version);
 * 2: the check itself could not run (a missing or unreadable file).
 * Plain JavaScript on purpose: CI runs it before anything is built.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FAILING_SEVERITIES = new Set(['moderate', 'high', 'critical']);

/** `1.2.3` or `1.2.3-beta.1` as numbers plus prerelease; undefined when it is not a plain version. */
export function parseVersion(text) {
  const match = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(String(text).trim());
  return match ? { parts: [Number(match[1]), Number(match[2]), Number(match[3])], prerelease: match[4] } : undefined;
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a.parts[i] !== b.parts[i]) return a.parts[i] < b.parts[i] ? -1 : 1;
  // A prerelease comes before its release (1.0.0-beta < 1.0.0); two prereleases of one version count as equal here.
  if (a.prerelease && !b.prerelease) return -1;
  if (!a.prerelease && b.prerelease) return 1;
  return 0;
}

/**
 * Whether `version` is in `range`: comparator sets (`>=1.0.0 <1.12.0`) joined by `||`, each comparator one of
 * < <= > >= = followed by a full version. Enough for advisories' ranges; anything else throws, so a typo in the
 * vetted list fails loudly instead of matching nothing.
 */
export function satisfies(version, range) {
  const parsed = parseVersion(version);
  if (parsed === undefined) return false;
  return range.split('||').some((set) => {
    const comparators = set.trim().split(/\s+/).filter(Boolean);
    if (comparators.length === 0) throw new Error(`empty comparator set in range "${range}"`);
    return comparators.every((comparator) => {
      const match = /^(<=|>=|<|>|=)?(.+)$/.exec(comparator);
      const bound = match && parseVersion(match[2]);
      if (!bound) throw new Error(`not a comparator: "${comparator}" in range "${range}"`);
      const order = compare(parsed, bound);
      switch (match[1] ?? '=') {
        case '<': return order < 0;
        case '<=': return order <= 0;
        case '>': return order > 0;
        case '>=': return order >= 0;
        default: return order === 0;
      }
    });
  });
}

/** The packages npm installs with --omit=dev, from a lockfile of version 2 or 3. */
export function productionPackages(lock) {
  const packages = lock?.packages;
  if (packages === null || typeof packages !== 'object') throw new Error('package-lock.json has no "packages" (lockfile version 2 or later is needed)');
  const found = [];
  for (const [location, entry] of Object.entries(packages)) {
    if (location === '' || entry.link || entry.dev || entry.devOptional) continue;
    const name = entry.name ?? location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (typeof entry.version === 'string') found.push({ name, version: entry.version, location });
  }
  return found;
}

export function findVulnerable(lock, advisories) {
  const findings = [];
  for (const pkg of productionPackages(lock)) {
    for (const advisory of advisories) {
      if (advisory.package === pkg.name && satisfies(pkg.version, advisory.vulnerable)) findings.push({ ...pkg, advisory });
    }
  }
  return findings;
}

/** npm audit's verdict, or 'unavailable' when the registry's audit endpoint could not be used. */
export function npmAudit(cwd) {
  const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    return { status: 'unavailable', reason: (run.error?.message ?? run.stderr ?? 'no output').trim().split('\n')[0] };
  }
  if (report.error) return { status: 'unavailable', reason: report.error.summary || report.error.code || report.message || 'audit endpoint error' };
  const failing = Object.values(report.vulnerabilities ?? {}).filter((item) => FAILING_SEVERITIES.has(item.severity));
  if (report.vulnerabilities === undefined) return { status: 'unavailable', reason: 'npm audit gave no vulnerabilities section' };
  return { status: failing.length > 0 ? 'vulnerable' : 'ok', findings: failing.map((item) => `${item.name} (${item.severity}): ${item.range}`) };
}

function argument(args, name) {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
}

export function main(args = process.argv.slice(2)) {
  const lockfile = path.resolve(argument(args, '--lockfile') ?? path.join(ROOT, 'package-lock.json'));
  const advisoriesFile = path.resolve(argument(args, '--advisories') ?? path.join(ROOT, '.ci', 'known-vulnerable.json'));
  let lock;
  let advisories;
  try {
    lock = JSON.parse(readFileSync(lockfile, 'utf8'));
    advisories = JSON.parse(readFileSync(advisoriesFile, 'utf8')).advisories;
  } catch (error) {
    console.error(`dependency check: cannot read ${error.path ?? 'its input'}: ${error.message}`);
    return 2;
  }
  let failed = false;

  if (!args.includes('--offline')) {
    const audit = npmAudit(path.dirname(lockfile));
    if (audit.status === 'unavailable') {
      console.log(`dependency check: npm audit unavailable (${audit.reason}); using the vetted list only`);
    } else if (audit.status === 'vulnerable') {
      failed = true;
      console.error('dependency check: npm audit reports vulnerable production dependencies:');
      for (const line of audit.findings) console.error(`  ${line}`);
    } else {
      console.log('dependency check: npm audit finds nothing in production dependencies');
    }
  }

  const findings = findVulnerable(lock, advisories);
  for (const finding of findings) {
    const { advisory } = finding;
    console.error(
      `dependency check: ${finding.name}@${finding.version} (${finding.location}) has ${advisory.id}: ${advisory.summary}. Fixed in ${advisory.fixed}; update it, or pin it with "overrides" in package.json.`,
    );
  }
  if (findings.length === 0) {
    console.log(`dependency check: ${productionPackages(lock).length} production packages, none in the vetted list of ${advisories.length} advisories`);
  }
  return failed || findings.length > 0 ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) process.exit(main());
