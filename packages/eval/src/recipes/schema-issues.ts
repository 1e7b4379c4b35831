import type * as z from 'zod';

/** One schema problem in words: where (`training.epochs`, `eval.lambdas[2]`), what was expected, what was found. */
export interface Problem {
  /** Dotted path of the field; empty for the value as a whole. */
  field: string;
  expected: string;
  found: string;
  /** How many further problems the value has. */
  more: number;
}

/**
 * A bounded description of any JSON value. Messages never stringify whole values: a damaged file may hold a
 * 500,000-deep array or a megabyte string, and `JSON.stringify` of those overflows the stack or the terminal.
 */
export function describeFound(v: unknown): string {
  if (v === undefined) return 'nothing (the field is missing)';
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') return Number.isFinite(v) || Number.isNaN(v) ? String(v) : `${v} (beyond float64 range)`;
  if (typeof v === 'string') return v.length <= 40 ? JSON.stringify(v) : `a string of ${v.length} characters starting ${JSON.stringify(v.slice(0, 24))}`;
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (typeof v === 'object') return 'an object';
  return typeof v;
}

export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : `${out ? '.' : ''}${String(k)}`;
  return out;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur = input;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur, k)) return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[k];
  }
  return cur;
}

/** The first problem zod found in `input`, or null when it matches. Every schema states its expectation as its error text. */
export function firstProblem(schema: z.ZodType, input: unknown): Problem | null {
  const r = schema.safeParse(input);
  if (r.success) return null;
  const issue = r.error.issues[0];
  const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path;
  return {
    field: fieldPath(path),
    expected: issue.code === 'unrecognized_keys' ? 'no such field' : issue.message,
    found: describeFound(valueAt(input, path)),
    more: r.error.issues.length - 1,
  };
}

/** `<subject>: field "a.b": expected X, found Y` (subject: a file or a preset), or null when `input` matches. */
export function fieldError(subject: string, schema: z.ZodType, input: unknown): Error | null {
  const p = firstProblem(schema, input);
  if (!p) return null;
  const field = p.field ? ` field "${p.field}":` : '';
  const more = p.more ? ` (and ${p.more} more problem${p.more === 1 ? '' : 's'})` : '';
  return new Error(`${subject}:${field} expected ${p.expected}, found ${p.found}${more}`);
}
