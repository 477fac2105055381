/** Resolving what the user typed for a space, and the close matches offered when it is not a space they can see. */
import type { Space } from '../services/confluence/types.js';

/** A space from the list whose key or name matches exactly (ignoring case), or that a button sent ("KEY — name"). */
export function findSpace(spaces: Space[], typed: string): Space | undefined {
  const wanted = normalise(typed.split(' — ')[0] ?? typed);
  return spaces.find((space) => normalise(space.key) === wanted) ?? spaces.find((space) => normalise(space.name) === normalise(typed));
}

/** Up to `max` spaces whose key or name is close to what was typed, best first. */
export function closeMatches(spaces: Space[], typed: string, max = 3): Space[] {
  const wanted = normalise(typed);
  if (wanted === '') return [];
  return spaces
    .map((space) => ({ space, score: Math.min(distance(wanted, normalise(space.key)), nameScore(wanted, normalise(space.name))) }))
    .filter(({ space, score }) => score <= Math.max(2, Math.floor(Math.max(wanted.length, space.key.length) / 3)))
    .sort((a, b) => a.score - b.score || a.space.key.localeCompare(b.space.key))
    .slice(0, max)
    .map(({ space }) => space);
}

function nameScore(wanted: string, name: string): number {
  if (name.includes(wanted) && wanted.length >= 3) return 1;
  return distance(wanted, name);
}

function normalise(text: string): string {
  return text.trim().toLowerCase();
}

/** Levenshtein distance, with the short inputs space keys and names have. */
function distance(a: string, b: string): number {
  if (a.length > 300 || b.length > 300) return Number.MAX_SAFE_INTEGER;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
