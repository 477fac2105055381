/**
 * restify loads spdy at start-up, and spdy's http-deceiver called the deprecated process.binding (DEP0111), so every
 * start printed two deprecation warnings. package.json replaces spdy with vendor/spdy-not-used: this checks the
 * warning is gone at its source while other warnings still show, and that the stand-in fails plainly if used.
 */
import { spawn } from 'node:child_process';

async function runNode(code: string): Promise<{ status: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: process.cwd(), stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const status = await new Promise<number | null>((done) => child.once('exit', done));
  return { status, stderr };
}

describe("restify's spdy", () => {
  it('starts a restify server with no DEP0111 warning, while deprecation warnings are still shown', async () => {
    const result = await runNode(`
      import restify from 'restify';
      const server = restify.createServer();
      await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
      server.close();
      process.emitWarning('still shown', 'DeprecationWarning', 'DEP_TEST');
    `);
    expect(result.status).toBe(0);
    expect(result.stderr).not.toMatch(/DEP0111|process\.binding/);
    expect(result.stderr).toContain('DEP_TEST');
  });

  it('says plainly that the spdy option is not available', async () => {
    const result = await runNode(`
      import restify from 'restify';
      try { restify.createServer({ spdy: {} }); } catch (error) { console.error(error.message); process.exit(3); }
    `);
    expect(result.status).toBe(3);
    expect(result.stderr).toContain("restify's spdy option (HTTP/2 via spdy) is not available");
  });
});
