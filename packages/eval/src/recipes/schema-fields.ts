import * as z from 'zod';

/**
 * Field schemas whose error text is what the field expects, so `schema-issues.ts` can say
 * `expected a positive integer, found -1` whichever check failed. zod's numbers reject NaN and ±Infinity.
 */
const says = (expected: string) => ({ error: expected });

export const positiveInt = (expected = 'a positive integer') => z.number(says(expected)).int(says(expected)).min(1, says(expected));
/** A positive integer of at most `max`: recipe sizes are bounded so that a hostile file cannot make eval allocate gigabytes. */
export const boundedInt = (max: number) => {
  const expected = `an integer from 1 to ${max}`;
  return z.number(says(expected)).int(says(expected)).min(1, says(expected)).max(max, says(expected));
};
export const integer = (expected = 'an integer') => z.number(says(expected)).int(says(expected));
export const positiveNumber = (expected = 'a positive number') => z.number(says(expected)).gt(0, says(expected));
export const nonNegative = (expected = 'a number ≥ 0') => z.number(says(expected)).min(0, says(expected));
export const finiteNumber = (expected = 'a finite number') => z.number(says(expected));
/** A number in [lo, hi], or [lo, hi) when `hiOpen`. */
export const inRange = (lo: number, hi: number, hiOpen = false) => {
  const expected = `a number in [${lo}, ${hi}${hiOpen ? ')' : ']'}`;
  const n = z.number(says(expected)).min(lo, says(expected));
  return hiOpen ? n.lt(hi, says(expected)) : n.max(hi, says(expected));
};
/** A number in (0, 1]: widths and learning-rate scales. */
export const fraction = () => z.number(says('a number in (0, 1]')).gt(0, says('a number in (0, 1]')).max(1, says('a number in (0, 1]'));
export const nonEmptyString = (expected = 'a non-empty string') => z.string(says(expected)).min(1, says(expected));
/** Names (methods, presets, datasets, architectures, plugins) are short; a megabyte one would flood every later message. */
export const identifier = () => z.string(says('a name of 1 to 200 characters')).min(1, says('a name of 1 to 200 characters')).max(200, says('a name of 1 to 200 characters'));
export const anyString = (expected = 'a string') => z.string(says(expected));
export const boolean = (expected = 'true or false') => z.boolean(says(expected));
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, says(values.length === 2 ? `${JSON.stringify(values[0])} or ${JSON.stringify(values[1])}` : `one of ${values.map((v) => JSON.stringify(v)).join(', ')}`));
export const exactly = <const T extends string | number>(value: T) => z.literal(value, says(JSON.stringify(value)));
export const arrayOf = <T extends z.ZodType>(item: T, expected = 'an array') => z.array(item, says(expected));
export const list = <T extends z.ZodType>(item: T, expected = 'a non-empty array') => z.array(item, says(expected)).min(1, says(expected));
export const record = <T extends z.core.$ZodLooseShape>(shape: T, expected = 'an object') => z.looseObject(shape, says(expected));
