/**
 * A hash index from folded names (see normalize.ts) to table rows, in typed
 * arrays: open addressing with linear probing over 32-bit FNV-1a hashes. For
 * 135,000 city names it builds without a Map entry or a key string per name
 * (plain ASCII names are hashed as they are read), which keeps loading fast
 * and the garbage collector idle.
 */
import { nameKey } from './normalize.js';

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const EMPTY = -1;
const PLAIN = /^[A-Za-z0-9]+(?: [A-Za-z0-9]+)*$/;

/** FNV-1a over the UTF-16 code units of a key. */
export function keyHash(key: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), FNV_PRIME);
  return hash >>> 0;
}

/** keyHash(nameKey(name)), without building the key when the name is plain ASCII words. */
export function nameHash(name: string): number {
  if (!PLAIN.test(name)) return keyHash(nameKey(name));
  let hash = FNV_OFFSET;
  for (let i = 0; i < name.length; i++) {
    let code = name.charCodeAt(i);
    if (code >= 65 && code <= 90) code += 32;
    hash = Math.imul(hash ^ code, FNV_PRIME);
  }
  return hash >>> 0;
}

export class NameIndex {
  private readonly slots: Int32Array;
  private readonly hashes: Uint32Array;
  private readonly mask: number;
  /** Names a row also answers to (halves of "Gasteiz / Vitoria", English exonyms). */
  private readonly extra = new Map<string, number[]>();

  /** `names[row]` is the name of each row; rows are found again by any spelling that folds alike. */
  constructor(private readonly names: readonly string[]) {
    let size = 1;
    while (size < names.length * 2) size *= 2;
    this.slots = new Int32Array(size).fill(EMPTY);
    this.hashes = new Uint32Array(names.length);
    this.mask = size - 1;
    for (let row = 0; row < names.length; row++) {
      const hash = nameHash(names[row] ?? '');
      this.hashes[row] = hash;
      let slot = hash & this.mask;
      while (this.slots[slot] !== EMPTY) slot = (slot + 1) & this.mask;
      this.slots[slot] = row;
    }
  }

  /** Makes `row` answer to another name as well. */
  addName(name: string, row: number): void {
    const key = nameKey(name);
    if (!key) return;
    const rows = this.extra.get(key);
    if (!rows) this.extra.set(key, [row]);
    else if (!rows.includes(row)) rows.push(row);
  }

  /** Every row whose name, or added name, folds to the same key as `name`, in row order. */
  find(name: string): number[] {
    const key = nameKey(name);
    if (!key) return [];
    const hash = keyHash(key);
    const rows: number[] = [];
    for (let slot = hash & this.mask; this.slots[slot] !== EMPTY; slot = (slot + 1) & this.mask) {
      const row = this.slots[slot] ?? EMPTY;
      if (this.hashes[row] === hash && nameKey(this.names[row] ?? '') === key) rows.push(row);
    }
    for (const row of this.extra.get(key) ?? []) if (!rows.includes(row)) rows.push(row);
    return rows.sort((a, b) => a - b);
  }
}
