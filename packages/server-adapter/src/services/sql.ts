/**
 * A statement with named parameters (`:name`), turned into the positional form the SQL ports
 * take (`$1`, `$2`, …). A name used twice binds once. `::type` casts are left alone. An unknown
 * name throws, so a typo fails the first test that runs the statement instead of binding NULL.
 */
export function bind(
  text: string,
  values: Readonly<Record<string, unknown>>,
): [text: string, params: unknown[]] {
  const params: unknown[] = [];
  const positions = new Map<string, number>();
  const positional = text.replace(/(?<![:\w]):([a-z][a-z0-9_]*)/gi, (_match, name: string) => {
    if (!Object.hasOwn(values, name)) throw new Error(`SQL parameter :${name} has no value`);
    let position = positions.get(name);
    if (position === undefined) {
      params.push(values[name]);
      position = params.length;
      positions.set(name, position);
    }
    return `$${position}`;
  });
  return [positional, params];
}
