/** markdown-it (0.1 s and 12 MiB) is loaded by the first conversion, not by start-up. Runs the built module in a fresh node. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const BUILT = path.resolve('dist/services/confluence/markdown.js');

it('loads markdown-it on the first conversion only', () => {
  if (!existsSync(BUILT)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
  const script = `
    import { createRequire } from 'node:module';
    const { markdownToStorage } = await import(${JSON.stringify(BUILT)});
    const cache = createRequire(import.meta.url).cache;
    const loaded = () => Object.keys(cache).some((file) => file.includes('/node_modules/markdown-it/'));
    const before = loaded();
    const html = markdownToStorage('**bold**');
    console.log(JSON.stringify({ before, after: loaded(), html }));
  `;
  const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
  expect(JSON.parse(output)).toEqual({ before: false, after: true, html: '<p><strong>bold</strong></p>' });
});
