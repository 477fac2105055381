/**
 * A caller "off this machine" for e2e tests: a network namespace joined to the root namespace by a veth pair, with
 * a /30 of its own (10.<subnet>.<pid % 250>.1 on the host end, .2 inside). The app under test listens in the root
 * namespace; commands run inside the namespace reach it at `hostAddress` and are seen as `namespaceAddress`, and
 * nothing is ever sent anywhere else.
 *
 * Needs root and iproute2 (`ip netns`); creating one fails, rather than skips, without them.
 */
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const IP = existsSync('/usr/sbin/ip') ? '/usr/sbin/ip' : 'ip';

/**
 * Every test file's prefix and subnet octet, one line each. Jest runs files in parallel workers: names carry the
 * worker's pid, and a prefix and an octet of their own keep two files from ever sharing a name or an address.
 */
const ALLOCATED: Readonly<Record<string, number>> = {
  cnl: 203, // tests/e2e/connectorLoopback.e2e.test.ts
  svu: 207, // tests/e2e/serviceUrl.e2e.test.ts
  b9ns: 209, // tests/e2e/signInClientAddress.e2e.test.ts
};

export interface NetworkNamespaceOptions {
  /** Starts every name (namespace, both veth ends); letters and digits, ending in a letter, at most 7. */
  prefix: string;
  /** The second octet of the namespace's 10.x.y.0/30. */
  subnet: number;
}

export interface NetworkNamespace {
  readonly name: string;
  /** The root namespace's end of the pair: where a command inside reaches the host. */
  readonly hostAddress: string;
  /** The namespace's end: the address the host sees a command inside come from. */
  readonly namespaceAddress: string;
  /** Runs `command` inside the namespace to completion; rejects, with its stderr, when it fails. */
  exec(command: string, args: string[], options?: { timeout?: number }): Promise<{ stdout: string; stderr: string }>;
  /** Starts `command` inside the namespace and leaves it running. */
  spawn(command: string, args: string[], options?: SpawnOptions): ChildProcess;
  /** Deletes the namespace and the pair; safe to call more than once. */
  remove(): Promise<void>;
}

function checkAllocation({ prefix, subnet }: NetworkNamespaceOptions): void {
  // Ending in a letter keeps `${prefix}${pid}` unambiguous; 7 characters keep `${prefix}${pid}h` within IFNAMSIZ.
  if (!/^[a-z](?:[a-z0-9]{0,5}[a-z])?$/.test(prefix)) throw new Error(`network namespace prefix "${prefix}": use 1-7 lowercase letters and digits, ending in a letter`);
  if (ALLOCATED[prefix] !== subnet) {
    throw new Error(`network namespace ${prefix} on 10.${subnet}: add it to ALLOCATED in tests/helpers/networkNamespace.ts with a prefix and subnet no other test file uses`);
  }
}

/** Creates the namespace and its veth pair, replacing leftovers of an earlier run with the same pid. */
export async function createNetworkNamespace(options: NetworkNamespaceOptions): Promise<NetworkNamespace> {
  checkAllocation(options);
  if (process.getuid?.() !== 0) {
    throw new Error(`this test creates a network namespace (ip netns add ${options.prefix}…) and needs root and iproute2: run it as root`);
  }
  const name = `${options.prefix}${process.pid}`;
  const hostLink = `${name}h`;
  const namespaceLink = `${name}n`;
  const base = `10.${options.subnet}.${process.pid % 250}`;
  const hostAddress = `${base}.1`;
  const namespaceAddress = `${base}.2`;

  const ip = async (...args: string[]): Promise<void> => {
    try {
      await run(IP, args);
    } catch (error) {
      const { code, stderr } = error as NodeJS.ErrnoException & { stderr?: string };
      if (code === 'ENOENT') throw new Error(`this test creates a network namespace and needs root and iproute2: no \`${IP}\` command`);
      throw new Error(`ip ${args.join(' ')} failed: ${stderr?.trim() || (error as Error).message}`);
    }
  };
  // Deleting the namespace deletes its end of the pair, and with it the host end; both are tried regardless.
  const remove = async (): Promise<void> => {
    await ip('netns', 'del', name).catch(() => undefined);
    await ip('link', 'del', hostLink).catch(() => undefined);
  };

  await remove();
  try {
    await ip('netns', 'add', name);
    await ip('link', 'add', hostLink, 'type', 'veth', 'peer', 'name', namespaceLink);
    await ip('link', 'set', namespaceLink, 'netns', name);
    await ip('addr', 'add', `${hostAddress}/30`, 'dev', hostLink);
    await ip('link', 'set', hostLink, 'up');
    await ip('-n', name, 'addr', 'add', `${namespaceAddress}/30`, 'dev', namespaceLink);
    await ip('-n', name, 'link', 'set', namespaceLink, 'up');
    await ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (error) {
    await remove();
    throw error;
  }

  return {
    name,
    hostAddress,
    namespaceAddress,
    exec: (command, args, execOptions = {}) => run(IP, ['netns', 'exec', name, command, ...args], execOptions),
    spawn: (command, args, spawnOptions = {}) => spawn(IP, ['netns', 'exec', name, command, ...args], spawnOptions),
    remove,
  };
}
