/**
 * Finding 1 of the security review, as a repeatable attack: unauthenticated oversized bodies. Runs `dist/index.js`
 * of a checkout (this one, or `--checkout <folder>` for an older build side by side) with its default settings on
 * loopback, with a TMPDIR of its own, and prints the bot's RSS after each of three 100 MB JSON posts and whether a
 * 20 MB multipart upload left a file behind.
 *
 *   npm run attack:bodies [-- --checkout /path/to/other/checkout] [--mb 100]
 *
 * Every request goes to 127.0.0.1 only. The bodies are streamed, never held in this process's memory.
 */
import { mkdtemp, readdir } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { freePort } from '../shared/freePort.js';
import { builtEntry, startNodeChild } from '../load/nodeChild.js';

const { values } = parseArgs({ options: { checkout: { type: 'string', default: process.cwd() }, mb: { type: 'string', default: '100' } } });
const checkout = path.resolve(values.checkout!);
const MIB = 1024 * 1024;

function memory(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kib('VmRSS') / 1024), peak: Math.round(kib('VmHWM') / 1024) };
}

/**
 * Streams `prefix`, then filler up to `bytes` in all, then `suffix` (1 MiB chunks); resolves with the status or the
 * socket error.
 */
function streamPost(port: number, contentType: string, bytes: number, prefix: string, suffix = ''): Promise<string> {
  return new Promise((resolve) => {
    const request = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/messages', headers: { 'Content-Type': contentType, 'Content-Length': String(bytes) } });
    request.on('response', (response) => {
      response.resume();
      response.on('end', () => resolve(String(response.statusCode)));
    });
    request.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    const chunk = Buffer.alloc(MIB, 'x');
    const filler = bytes - Buffer.byteLength(prefix) - Buffer.byteLength(suffix);
    let sent = 0;
    request.write(prefix);
    const write = (): void => {
      while (sent < filler) {
        const piece = chunk.subarray(0, Math.min(MIB, filler - sent));
        sent += piece.length;
        if (!request.write(piece)) {
          request.once('drain', write);
          return;
        }
      }
      request.end(suffix);
    };
    write();
  });
}

const port = await freePort();
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'attack-bodies-'));
const tmpDir = await mkdtemp(path.join(os.tmpdir(), 'attack-bodies-tmp-'));
const bot = await startNodeChild('bot', builtEntry(path.join(checkout, 'dist/index.js')), { PORT: String(port), DATA_DIR: dataDir, TMPDIR: tmpDir }, {
  readyLine: '"msg":"bot listening"',
  cwd: dataDir,
});
try {
  const bytes = Math.round(Number(values.mb) * MIB);
  console.log(`checkout: ${checkout}`);
  console.log(`idle:                       RSS ${memory(bot.pid).rss} MiB`);
  for (let post = 1; post <= 3; post += 1) {
    const status = await streamPost(port, 'application/json', bytes, '{"type":"message","text":"', '"}');
    const { rss, peak } = memory(bot.pid);
    console.log(`${values.mb} MB JSON post #${post}:     answer ${status}, RSS ${rss} MiB (peak ${peak} MiB)`);
  }
  const boundary = 'attackboundary';
  const status = await streamPost(
    port,
    `multipart/form-data; boundary=${boundary}`,
    20 * MIB,
    `--${boundary}\r\nContent-Disposition: form-data; name="f"; filename="a.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    `\r\n--${boundary}--\r\n`,
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  console.log(`20 MB multipart upload:     answer ${status}, files left in the bot's TMPDIR: ${(await readdir(tmpDir)).length}`);
} finally {
  await bot.stop();
}
