/**
 * The sandbox's pages and blog posts read straight from its records, for tools that inspect a data folder while no
 * sandbox holds it open (the load test counts the pages it created). Reads only; never migrates nor seeds.
 */
import type { RecordStore } from '../services/storage/recordStore.js';
import { describeContents, type SandboxContent } from './contentView.js';
import { loadWiki } from './store.js';

/** Links in `webUrl` start with `publicUrl`; the bot's default address unless told. */
export async function readSandboxContents(records: RecordStore, publicUrl = 'http://localhost:3978'): Promise<SandboxContent[]> {
  const data = await loadWiki(records);
  return data === undefined ? [] : describeContents(data, publicUrl.replace(/\/+$/, ''));
}
