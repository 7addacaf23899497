/**
 * PostgreSQL text cannot hold U+0000, and no person means one: text taken in (a message, a name, a form field) is
 * kept without it. Strings inside arrays and plain objects are cleaned too, keys included.
 */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '') as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [withoutNul(key), withoutNul(inner)])) as T;
  }
  return value;
}
