/** Types of ensureBuilt.mjs (plain JavaScript so it runs before anything is compiled), for its tests. */
export declare const STAMP_FILE: string;

export interface BuildConfig {
  chain: string[];
  include: string[];
  outDir: string;
  rootDir: string;
  tsBuildInfoFile: string;
}

export type BuildCheck = { fresh: true } | { fresh: false; reason: string; outputsMissing: boolean };

export declare function readBuildConfig(configFile: string): BuildConfig;
export declare function checkBuild(options: { root: string; configFile: string }): BuildCheck;
export declare function runTsc(root: string, configFile: string): number;
export declare function ensureBuilt(options: {
  root: string;
  configFile: string;
  force?: boolean;
  build?: () => number;
  log?: (line: string) => void;
}): 'fresh' | 'built';

export declare class BuildFailedError extends Error {
  readonly status: number;
  constructor(status: number);
}
