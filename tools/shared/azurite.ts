/**
 * Azurite, Microsoft's Azure Storage emulator (an npm dev dependency), as a child process: the blob service only,
 * in memory, on a free loopback port, with telemetry off. Tests and the load tool use it as the shared store of
 * several bot instances. The API version check is skipped because @azure/storage-blob may speak a newer service
 * version than this Azurite release knows; the operations we use are unchanged between them.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';

/** Azurite's well-known development account (public, documented by Microsoft; it only opens the emulator). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  blobUrl: string;
  connectionString: string;
  stop(): Promise<void>;
}

export async function startAzurite(timeoutMs = 20_000): Promise<Azurite> {
  const main = createRequire(import.meta.url).resolve('azurite/dist/src/blob/main.js');
  const workspace = await mkdtemp(path.join(os.tmpdir(), 'azurite-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [main, '--blobHost', '127.0.0.1', '--blobPort', '0', '--inMemoryPersistence', '--extentMemoryLimit', '512',
      '--skipApiVersionCheck', '--disableTelemetry', '--silent'],
    // In memory, Azurite still writes its debug and lock files to the working folder: a throwaway one.
    { cwd: workspace, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const deadline = Date.now() + timeoutMs;
  let port: string | undefined;
  while ((port = /listens on http:\/\/127\.0\.0\.1:(\d+)/.exec(output)?.[1]) === undefined) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Azurite did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const blobUrl = `http://127.0.0.1:${port}/${ACCOUNT}`;
  return {
    blobUrl,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};BlobEndpoint=${blobUrl};`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await rm(workspace, { recursive: true, force: true });
    },
  };
}
