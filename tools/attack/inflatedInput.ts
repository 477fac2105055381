/**
 * Finding 6 of the security review, as a repeatable attack: what crafted activities with inflated fields do to the
 * bot's stored data, memory and turn time. Runs `dist/index.js` of a checkout (this one, or `--checkout <folder>`
 * to measure an older build side by side) with its default settings on loopback, in Emulator mode, and prints:
 * the data folder's size, the bot's RSS, and the median time of 30 `help` turns, before and after the attack.
 *
 *   npm run attack:inflate [-- --checkout /path/to/other/checkout] [--copies 4] [--mb 5] [--fields both|conversation]
 *
 * Every request goes to 127.0.0.1 only.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../shared/freePort.js';
import { builtEntry, startNodeChild } from '../load/nodeChild.js';

const { values } = parseArgs({
  options: {
    checkout: { type: 'string', default: process.cwd() },
    copies: { type: 'string', default: '4' },
    mb: { type: 'string', default: '5' },
    /** `conversation`: only extra conversation fields (stay under the body cap with --mb 0.2: what is stored?). */
    fields: { type: 'string', default: 'both' },
  },
});
const checkout = path.resolve(values.checkout!);
const copies = Number(values.copies);
const paddingBytes = Math.round(Number(values.mb) * 1024 * 1024);

/** The Emulator's side of the Bot Connector: takes every reply and answers 200. */
async function startReceiver(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ id: randomUUID() }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function folderBytes(folder: string): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return total;
}

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
}

async function post(botUrl: string, body: string): Promise<number> {
  try {
    const response = await fetch(`${botUrl}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    await response.arrayBuffer();
    return response.status;
  } catch {
    return 0; // the server closed the connection while the body was still being sent (a cap enforced while reading)
  }
}

function activity(serviceUrl: string, text: string, conversationId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'message',
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'emulator',
    serviceUrl,
    locale: 'en-US',
    from: { id: `user-${conversationId}`, name: 'User', role: 'user' },
    recipient: { id: 'bot', name: 'Bot', role: 'bot' },
    conversation: { id: conversationId },
    text,
    ...extra,
  };
}

async function medianHelpTurnMs(botUrl: string, serviceUrl: string): Promise<number> {
  const conversationId = randomUUID();
  const times: number[] = [];
  for (let turn = 0; turn < 30; turn += 1) {
    const started = performance.now();
    await post(botUrl, JSON.stringify(activity(serviceUrl, 'help', conversationId)));
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[15]! * 10) / 10;
}

const port = await freePort();
const dataDir = await mkdtemp(path.join(os.tmpdir(), 'attack-inflate-'));
const receiver = await startReceiver();
const bot = await startNodeChild('bot', builtEntry(path.join(checkout, 'dist/index.js')), { PORT: String(port), DATA_DIR: dataDir }, {
  readyLine: '"msg":"bot listening"',
  cwd: dataDir,
});
const botUrl = `http://127.0.0.1:${port}`;
try {
  const before = { data: folderBytes(dataDir), rss: rssMiB(bot.pid), help: await medianHelpTurnMs(botUrl, receiver.url) };

  const statuses: number[] = [];
  const padding = 'x'.repeat(paddingBytes);
  for (let copy = 0; copy < copies; copy += 1) {
    // A sign-in is stored with the conversation and locale: the places an attacker would inflate.
    const crafted = activity(receiver.url, 'create page', randomUUID(), {
      conversation: { id: randomUUID(), padding },
      ...(values.fields === 'conversation' ? {} : { locale: `en-US-${padding.slice(0, Math.min(paddingBytes, 1024 * 1024))}` }),
    });
    statuses.push(await post(botUrl, JSON.stringify(crafted)));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const after = { data: folderBytes(dataDir), rss: rssMiB(bot.pid), help: await medianHelpTurnMs(botUrl, receiver.url) };

  const rows = [
    ['', 'before the attack', 'after the attack'],
    ['data folder', `${(before.data / 1024).toFixed(0)} KB`, `${(after.data / 1024).toFixed(0)} KB`],
    ['bot RSS', `${before.rss} MiB`, `${after.rss} MiB`],
    ['median help turn (30)', `${before.help} ms`, `${after.help} ms`],
  ];
  console.log(`checkout: ${checkout}`);
  const inflated = values.fields === 'conversation' ? 'conversation field' : 'conversation field and an inflated locale';
  console.log(`attack: ${copies} × "create page" with a ${values.mb} MB ${inflated}; answers: ${statuses.join(', ')}`);
  for (const row of rows) console.log(row.map((cell, index) => cell.padEnd(index === 0 ? 24 : 20)).join(''));
  console.log(JSON.stringify({ checkout, statuses, before, after }));
} finally {
  await bot.stop();
  await receiver.close();
}
