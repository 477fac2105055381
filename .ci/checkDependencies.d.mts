/** Types of checkDependencies.mjs, for the tests that import it. */
export interface Advisory {
  package: string;
  vulnerable: string;
  id: string;
  summary: string;
  fixed: string;
}
export interface LockedPackage {
  name: string;
  version: string;
  location: string;
}
export function parseVersion(text: string): { parts: [number, number, number]; prerelease?: string } | undefined;
export function satisfies(version: string, range: string): boolean;
export function productionPackages(lock: unknown): LockedPackage[];
export function findVulnerable(lock: unknown, advisories: Advisory[]): (LockedPackage & { advisory: Advisory })[];
export function main(args?: string[]): number;
