/**
 * The real app recording transcripts (TRANSCRIPTS_DIR) in a folder of its own, with an Emulator-like replay
 * channel talking to it: for tests that read what a conversation left in its transcript.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startApp, type RunningApp } from '../../app.js';
import { ReplayChannel } from '../../tools/replay/channel.js';
import { freePort } from './ports.js';

export interface RecordingApp {
  app: RunningApp;
  channel: ReplayChannel;
  /** Where the app writes its transcripts (close() leaves it in place, as the tests always have). */
  transcripts: string;
  dataDir: string;
  /** Stops the channel and the app (closing an app already closed is fine) and deletes the data folder. */
  close(): Promise<void>;
}

/** `name` starts the temporary folders' names. */
export async function startRecordingApp(name: string): Promise<RecordingApp> {
  const transcripts = await mkdtemp(path.join(os.tmpdir(), `${name}-transcripts-`));
  const dataDir = await mkdtemp(path.join(os.tmpdir(), `${name}-data-`));
  const app = await startApp({ PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'silent', TRANSCRIPTS_DIR: transcripts });
  const channel = new ReplayChannel(app.url);
  const close = async (): Promise<void> => {
    await channel.stop();
    await app.close();
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await channel.start();
  } catch (error) {
    await close();
    throw error;
  }
  return { app, channel, transcripts, dataDir, close };
}
