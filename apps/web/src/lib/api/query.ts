/** A query string as an object: a key given once is a string, a repeated key an array of its values. */
export function queryObject(url: URL): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    // Own properties only: `out[key] =` with key "__proto__" would set the object's prototype (to an array
    // for a repeated key, whose `sort` method then failed validation as if the client had sent sort=...).
    Object.defineProperty(out, key, {
      value: values.length === 1 ? values[0]! : values,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}
