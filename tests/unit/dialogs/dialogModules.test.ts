/**
 * The dialogs load only the parts of botbuilder-dialogs they use: its index, its prompts' base class and its choice
 * recognizer pull in the Microsoft text recognizers (about 9 MiB and 90 ms of every start) that no prompt here uses.
 * Loads the built app in a fresh node and looks at what CommonJS modules it brought in.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const BUILT_APP = path.resolve('dist/app.js');

it('building the whole app loads no Microsoft text recognizer and not botbuilder-dialogs\' index', () => {
  if (!existsSync(BUILT_APP)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  const script = `
    import { createRequire } from 'node:module';
    await import(${JSON.stringify(BUILT_APP)});
    const files = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify({
      dialogs: files.filter((file) => file.includes('/botbuilder-dialogs/lib/')).length,
      recognizers: files.filter((file) => file.includes('/@microsoft/recognizers-text')),
      dialogsIndex: files.filter((file) => file.endsWith('/botbuilder-dialogs/lib/index.js')),
    }));
  `;
  const loaded = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as {
    dialogs: number;
    recognizers: string[];
    dialogsIndex: string[];
  };
  // The check sees botbuilder-dialogs' modules at all (dialog sets, waterfalls…), so an empty list means something.
  expect(loaded.dialogs).toBeGreaterThan(10);
  expect(loaded.recognizers).toEqual([]);
  expect(loaded.dialogsIndex).toEqual([]);
});
