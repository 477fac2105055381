/**
 * `npm run teams:package`'s work: the zip holds manifest.json, color.png and outline.png at its root, the manifest
 * conforms to Microsoft's official v1.22 schema (tests/teams/MicrosoftTeams.schema.json), and the icons have the
 * sizes Teams requires. Settings errors are reported before anything is written.
 */
import { mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import JSZip from 'jszip';
import { deriveTeamsAppId, PackageSettingsError } from '../../scripts/teams/manifest.js';
import { validateManifest } from '../../scripts/teams/manifestSchema.js';
import { buildTeamsPackage } from '../../scripts/teams/package.js';
import { decodePng } from '../../scripts/teams/png.js';

const BOT_ID = '3f2a9c1e-5b7d-4e8f-9a0b-1c2d3e4f5a6b';
const TUNNEL = 'https://k7x2p9-3978.euw.devtunnels.ms';

/** The bot's own environment with a real Atlassian app: the sign-in page is on auth.atlassian.com. */
const ATLASSIAN_ENV = {
  MicrosoftAppId: BOT_ID,
  MicrosoftAppType: 'SingleTenant',
  MicrosoftAppTenantId: '11111111-2222-3333-4444-555555555555',
  PUBLIC_URL: TUNNEL,
  ATLASSIAN_CLIENT_ID: 'atlassian-client-id',
  ATLASSIAN_CLIENT_SECRET: 'atlassian-client-secret',
  ENCRYPTION_KEY: 'ab'.repeat(32),
};

/** Width, height, bit depth and colour type from the PNG signature and IHDR chunk, read by hand. */
function pngHeader(bytes: Buffer) {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(bytes.toString('ascii', 12, 16)).toBe('IHDR');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), bitDepth: bytes[24], colorType: bytes[25] };
}

async function outFile(): Promise<string> {
  return path.join(await mkdtemp(path.join(os.tmpdir(), 'teams-package-')), 'app.zip');
}

describe('the Teams app package', () => {
  let zip: JSZip;
  let manifest: Record<string, unknown>;

  beforeAll(async () => {
    const built = await buildTeamsPackage(ATLASSIAN_ENV, await outFile());
    zip = await JSZip.loadAsync(await readFile(built.file));
    manifest = JSON.parse(await zip.file('manifest.json')!.async('string')) as Record<string, unknown>;
  });

  it('holds exactly manifest.json, color.png and outline.png, at the root', () => {
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
  });

  it('has a manifest that conforms to the official Teams schema v1.22', () => {
    expect(manifest.$schema).toBe('https://developer.microsoft.com/json-schemas/teams/v1.22/MicrosoftTeams.schema.json');
    expect(manifest.manifestVersion).toBe('1.22');
    expect(validateManifest(manifest)).toEqual([]);
  });

  it('names the bot by its Microsoft App ID, in personal, team and group chat scopes, with our commands', () => {
    const [bot] = manifest.bots as Array<{ botId: string; scopes: string[]; commandLists: Array<{ commands: Array<{ title: string }> }> }>;
    expect(bot!.botId).toBe(BOT_ID);
    expect(bot!.scopes).toEqual(['personal', 'team', 'groupChat']);
    expect(bot!.commandLists[0]!.commands.map((c) => c.title)).toEqual(['find', 'show', 'comment on', 'add to', 'create page', 'list pages', 'help', 'status', 'sign out']);
  });

  it('lets Teams open the bot host and the sign-in host', () => {
    expect(manifest.validDomains).toEqual(['k7x2p9-3978.euw.devtunnels.ms', 'auth.atlassian.com']);
  });

  it('gets a stable app id from the bot id, unless TEAMS_APP_ID says otherwise', async () => {
    expect(manifest.id).toBe(deriveTeamsAppId(BOT_ID));
    expect(deriveTeamsAppId(BOT_ID)).toBe(deriveTeamsAppId(BOT_ID.toUpperCase()));
    expect(deriveTeamsAppId(BOT_ID)).not.toBe(deriveTeamsAppId('00000000-0000-0000-0000-000000000001'));
    const chosen = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
    const built = await buildTeamsPackage({ ...ATLASSIAN_ENV, TEAMS_APP_ID: chosen }, await outFile());
    expect(built.manifest.id).toBe(chosen);
  });

  it('has a 192×192 color icon and a 32×32 outline icon that is white on transparent', async () => {
    const color = await zip.file('color.png')!.async('nodebuffer');
    const outline = await zip.file('outline.png')!.async('nodebuffer');
    expect(pngHeader(color)).toMatchObject({ width: 192, height: 192 });
    expect(pngHeader(outline)).toMatchObject({ width: 32, height: 32 });
    const { pixels } = decodePng(outline);
    const colours = new Set<string>();
    let transparent = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      if (pixels[i + 3] === 0) transparent++;
      else colours.add(`${pixels[i]},${pixels[i + 1]},${pixels[i + 2]}`);
    }
    expect([...colours]).toEqual(['255,255,255']);
    expect(transparent).toBeGreaterThan(pixels.length / 8);
  });

  it('with the sandbox, the sign-in page is on the bot host itself: one valid domain', async () => {
    const built = await buildTeamsPackage({ MicrosoftAppId: BOT_ID, MicrosoftAppPassword: 'x', PUBLIC_URL: TUNNEL }, await outFile());
    expect(built.manifest.validDomains).toEqual(['k7x2p9-3978.euw.devtunnels.ms']);
  });
});

describe('the schema check', () => {
  let valid: Record<string, unknown>;
  beforeAll(async () => {
    valid = (await buildTeamsPackage(ATLASSIAN_ENV, await outFile())).manifest;
  });
  const broken = (change: (m: Record<string, any>) => void) => {
    // A deep copy to break; `any` because the test reaches into arbitrary manifest paths.
    const copy = structuredClone(valid) as Record<string, any>;
    change(copy);
    return validateManifest(copy);
  };

  it('refuses a manifest without a required field', () => {
    expect(broken((m) => delete m.developer.privacyUrl)).toEqual([expect.stringMatching(/^\/developer must have required property 'privacyUrl'/)]);
  });

  it('refuses a bot id that is not a GUID', () => {
    expect(broken((m) => (m.bots[0].botId = 'my-bot'))).toEqual([expect.stringMatching(/^\/bots\/0\/botId must match pattern/)]);
  });

  it('refuses the old scope spelling "groupchat" and a developer URL that is not a web address', () => {
    const problems = broken((m) => {
      m.bots[0].scopes = ['personal', 'groupchat'];
      m.developer.websiteUrl = 'ftp://example.com';
    });
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\/bots\/0\/scopes\/1 must be equal to one of the allowed values/), expect.stringMatching(/^\/developer\/websiteUrl must match pattern/)]),
    );
  });

  it('refuses another manifest version and unknown fields', () => {
    const problems = broken((m) => {
      m.manifestVersion = '1.21';
      m.botName = 'Confluence';
    });
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/^\/manifestVersion must be equal to constant/), '/ must NOT have additional properties: botName']));
  });
});

describe('settings the package cannot be built without', () => {
  it('requires MicrosoftAppId, and says so', async () => {
    const attempt = buildTeamsPackage({ PUBLIC_URL: TUNNEL }, await outFile());
    await expect(attempt).rejects.toBeInstanceOf(PackageSettingsError);
    await expect(attempt).rejects.toThrow(/MicrosoftAppId is required/);
  });

  it('requires an https PUBLIC_URL, and says so', async () => {
    await expect(buildTeamsPackage({ MicrosoftAppId: BOT_ID }, await outFile())).rejects.toThrow(/PUBLIC_URL must be the https address.*now: http:\/\/localhost:3978/);
    await expect(buildTeamsPackage({ MicrosoftAppId: BOT_ID, PUBLIC_URL: 'http://bot.example.com' }, await outFile())).rejects.toThrow(PackageSettingsError);
  });

  it('refuses a Microsoft App ID that is not a GUID and developer URLs that are not https', async () => {
    const attempt = buildTeamsPackage({ MicrosoftAppId: 'my-bot', PUBLIC_URL: TUNNEL, TEAMS_PRIVACY_URL: 'http://example.com/privacy' }, await outFile());
    await expect(attempt).rejects.toThrow(/MicrosoftAppId must be the Azure Bot's Microsoft App ID[\s\S]*TEAMS_PRIVACY_URL must be an https:\/\/ URL/);
  });
});
