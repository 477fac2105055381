/**
 * Builds the sideloadable Teams app package: manifest.json (the template filled from the environment and
 * checked against the official schema), color.png and outline.png, zipped at the root of the archive.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import JSZip from 'jszip';
import { fillManifestTemplate, readPackageSettings } from './manifest.js';
import { validateManifest } from './manifestSchema.js';
import { decodePng, readPngInfo } from './png.js';
import { repoRoot } from './repoRoot.js';

export const DEFAULT_PACKAGE_FILE = path.join('dist', 'teams', 'confluence-assistant.zip');

/** The manifest does not conform to the schema, or an icon is not what Teams accepts; the CLI exits with 1. */
export class InvalidPackageError extends Error {
  constructor(readonly problems: string[]) {
    super(`The Teams package would be refused:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'InvalidPackageError';
  }
}

export interface BuiltPackage {
  file: string;
  manifest: Record<string, unknown>;
}

const ICONS = { color: { file: 'color.png', size: 192 }, outline: { file: 'outline.png', size: 32 } } as const;

export async function buildTeamsPackage(env: NodeJS.ProcessEnv, outFile?: string): Promise<BuiltPackage> {
  const root = repoRoot();
  const appPackage = path.join(root, 'appPackage');
  const packageJson = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { version: string };

  const settings = readPackageSettings(env, packageJson.version);
  const template: unknown = JSON.parse(await readFile(path.join(appPackage, 'manifest.template.json'), 'utf8'));
  const manifest = fillManifestTemplate(template, settings);

  const color = await readFile(path.join(appPackage, ICONS.color.file));
  const outline = await readFile(path.join(appPackage, ICONS.outline.file));
  const problems = [...validateManifest(manifest), ...checkIcon('color', color), ...checkIcon('outline', outline)];
  if (problems.length > 0) throw new InvalidPackageError(problems);

  const zip = new JSZip();
  zip.file('manifest.json', JSON.stringify(manifest, null, 2) + '\n');
  zip.file(ICONS.color.file, color);
  zip.file(ICONS.outline.file, outline);
  const file = path.resolve(root, outFile ?? DEFAULT_PACKAGE_FILE);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return { file, manifest };
}

/** Teams wants a 192×192 color icon and a 32×32 outline icon that is white on transparent. */
function checkIcon(kind: keyof typeof ICONS, bytes: Buffer): string[] {
  const { file, size } = ICONS[kind];
  let info;
  try {
    info = readPngInfo(bytes);
  } catch {
    return [`appPackage/${file} is not a PNG file`];
  }
  if (info.width !== size || info.height !== size) {
    return [`appPackage/${file} must be ${size}×${size} pixels, not ${info.width}×${info.height}`];
  }
  if (kind === 'outline') {
    const { pixels } = decodePng(bytes);
    for (let i = 0; i < pixels.length; i += 4) {
      const visible = pixels[i + 3]! > 0;
      const white = pixels[i] === 255 && pixels[i + 1] === 255 && pixels[i + 2] === 255;
      if (visible && !white) return [`appPackage/${file} must be white on transparent (pixel ${i / 4} is not)`];
    }
  }
  return [];
}
