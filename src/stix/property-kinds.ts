import type { VocabularyName } from './vocabularies.js';

/**
 * The vocabulary of the declarative STIX type table (`object-types.ts`): what
 * kind of value each property holds. `compile-checkers.ts` turns each kind into
 * a checker function once, at module load.
 */
export type PropertyKind =
  | { readonly kind: 'string'; readonly pattern?: RegExp; readonly patternHint?: string }
  | { readonly kind: 'strings' }
  | { readonly kind: 'timestamp'; readonly millis?: boolean }
  | { readonly kind: 'ref'; readonly types?: readonly string[]; readonly excluded?: readonly string[] }
  | { readonly kind: 'refs'; readonly types?: readonly string[]; readonly excluded?: readonly string[] }
  | { readonly kind: 'integer'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'number'; readonly min?: number; readonly max?: number }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'enum'; readonly values: readonly string[] }
  | { readonly kind: 'enums'; readonly values: readonly string[] }
  | { readonly kind: 'const'; readonly value: string }
  | { readonly kind: 'vocab'; readonly vocabulary: VocabularyName }
  | { readonly kind: 'vocabs'; readonly vocabulary: VocabularyName }
  | { readonly kind: 'kill-chain-phases' }
  | { readonly kind: 'external-references' }
  | { readonly kind: 'granular-markings' }
  | { readonly kind: 'hashes' }
  | { readonly kind: 'dictionary'; readonly values?: DictionaryValues }
  | { readonly kind: 'record'; readonly fields: PropertyTable; readonly required?: readonly string[] }
  | { readonly kind: 'list'; readonly of: PropertyKind }
  | { readonly kind: 'extensions' }
  | { readonly kind: 'lang' }
  | { readonly kind: 'langs' }
  | { readonly kind: 'object' }
  | { readonly kind: 'binary' }
  | { readonly kind: 'hex' }
  | { readonly kind: 'url' };

export type PropertyTable = Readonly<Record<string, PropertyKind>>;

/** What a dictionary's values may be, when the specification restricts them. */
export type DictionaryValues = 'string' | 'integer' | 'string-or-integer' | 'header-values';

export const str: PropertyKind = { kind: 'string' };
export const strs: PropertyKind = { kind: 'strings' };
export const ts: PropertyKind = { kind: 'timestamp' };
export const tsMillis: PropertyKind = { kind: 'timestamp', millis: true };
export const bool: PropertyKind = { kind: 'boolean' };
export const dict: PropertyKind = { kind: 'dictionary' };
export const hashes: PropertyKind = { kind: 'hashes' };
export const obj: PropertyKind = { kind: 'object' };
export const url: PropertyKind = { kind: 'url' };
export const killChainPhases: PropertyKind = { kind: 'kill-chain-phases' };

export function pattern(re: RegExp, patternHint: string): PropertyKind {
  return { kind: 'string', pattern: re, patternHint };
}
export function ref(...types: string[]): PropertyKind {
  return types.length === 0 ? { kind: 'ref' } : { kind: 'ref', types };
}
export function refs(...types: string[]): PropertyKind {
  return types.length === 0 ? { kind: 'refs' } : { kind: 'refs', types };
}
export function refExcept(...excluded: string[]): PropertyKind {
  return { kind: 'ref', excluded };
}
export function refsExcept(...excluded: string[]): PropertyKind {
  return { kind: 'refs', excluded };
}
export function int(min?: number, max?: number): PropertyKind {
  return { kind: 'integer', min, max };
}
export function num(min?: number, max?: number): PropertyKind {
  return { kind: 'number', min, max };
}
export function oneOf(values: readonly string[]): PropertyKind {
  return { kind: 'enum', values };
}
export function listOf(values: readonly string[]): PropertyKind {
  return { kind: 'enums', values };
}
export function vocab(vocabulary: VocabularyName): PropertyKind {
  return { kind: 'vocab', vocabulary };
}
export function vocabs(vocabulary: VocabularyName): PropertyKind {
  return { kind: 'vocabs', vocabulary };
}
/**
 * An object with known, typed fields (other keys allowed): the `required` ones,
 * or when none are named, at least one of the fields, must be present.
 */
export function record(fields: PropertyTable, required?: readonly string[]): PropertyKind {
  return required === undefined ? { kind: 'record', fields } : { kind: 'record', fields, required };
}
/** A non-empty list of values of one kind. */
export function list(of: PropertyKind): PropertyKind {
  return { kind: 'list', of };
}
export function constant(value: string): PropertyKind {
  return { kind: 'const', value };
}
