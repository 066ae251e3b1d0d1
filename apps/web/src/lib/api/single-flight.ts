// Many clients polling the same thing (200 CI jobs waiting on one sweep) should cost one database read, not
// 200: a read made within `ttlMs` of the last one, or while it is in flight, shares its answer.
const globalForFlight = globalThis as unknown as {
  bytelabFlights?: Map<string, { at: number; value: Promise<unknown> }>;
};
globalForFlight.bytelabFlights ??= new Map();
const flights = globalForFlight.bytelabFlights;

export async function sharedRead<T>(key: string, ttlMs: number, read: () => Promise<T>): Promise<T> {
  const now = Date.now();
  const hit = flights.get(key);
  if (hit && now - hit.at < ttlMs) return hit.value as Promise<T>;
  const value = read();
  flights.set(key, { at: now, value });
  if (flights.size > 10_000) for (const [k, f] of flights) if (now - f.at > ttlMs) flights.delete(k);
  value.catch(() => flights.delete(key)); // failures are not shared beyond the requests already waiting
  return value;
}
