import type { ObjectRecord } from './object-rules.js';

/**
 * One problem with one STIX object: which object (its id, or '(no id)'), which
 * property (a JSON path such as `object_marking_refs[1]`) and what is wrong.
 */
export interface ValidationIssue {
  readonly objectId: string;
  readonly property: string;
  readonly message: string;
}

/**
 * What a checker sees while one object is validated. Issues are collected lazily
 * so that validating a correct object allocates nothing beyond this context.
 */
export class CheckContext {
  readonly object: ObjectRecord;
  readonly objectId: string;
  readonly type: string;
  issues: ValidationIssue[] | undefined;

  constructor(object: ObjectRecord, objectId: string, type: string) {
    this.object = object;
    this.objectId = objectId;
    this.type = type;
    this.issues = undefined;
  }

  add(property: string, message: string): void {
    const issue = { objectId: this.objectId, property, message };
    if (this.issues === undefined) this.issues = [issue];
    else this.issues.push(issue);
  }

  /** Reports at `pathOf(parent, key)`; the path text is only built for an issue. */
  addAt(parent: string, key: string | number, message: string): void {
    this.add(pathOf(parent, key), message);
  }
}

/** Where something reports problems: the validation context, or a test's collector. */
export interface Reporter {
  add(property: string, message: string): void;
}

/**
 * Checks the value found under `key` of the node at path `parent` ('' for the
 * object itself). Paths are passed in pieces so that a valid value costs no
 * string building.
 */
export type Checker = (value: unknown, ctx: CheckContext, parent: string, key: string | number) => void;

/** JSON path of `key` under `parent`: `labels[1]`, `extensions.x.event_date`, `name`. */
export function pathOf(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const name = key === '' ? '""' : key;
  return parent === '' ? name : `${parent}.${name}`;
}

/** A short description of a JSON value's kind for error messages. */
export function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value)}`;
  return `${typeof value} ${String(value)}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
