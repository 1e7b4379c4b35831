/** Share of true values in percent (0-100), the unit of every accuracy this project reports. */
export function percentTrue(values: readonly boolean[]): number {
  if (values.length === 0) throw new RangeError('cannot take a percentage of zero samples');
  return (100 * values.filter(Boolean).length) / values.length;
}
