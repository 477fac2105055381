/** html-to-text and its parser are loaded by the first preview, not by start-up. Runs the built module in a fresh node. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const BUILT = path.resolve('dist/services/confluence/storageText.js');

it('loads html-to-text on the first preview only', () => {
  if (!existsSync(BUILT)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  const script = `
    import { createRequire } from 'node:module';
    const { storageToText } = await import(${JSON.stringify(BUILT)});
    const cache = createRequire(import.meta.url).cache;
    const loaded = () => Object.keys(cache).some((file) => file.includes('/node_modules/html-to-text/'));
    const before = loaded();
    const preview = storageToText('<p>Hello <ac:parameter ac:name="x">hidden</ac:parameter>world</p>');
    console.log(JSON.stringify({ before, after: loaded(), preview }));
  `;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(JSON.parse(output)).toEqual({ before: false, after: true, preview: { text: 'Hello world', truncated: false } });
});
