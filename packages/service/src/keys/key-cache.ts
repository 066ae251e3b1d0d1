import pg from "pg";
import type { ApiKeyJson } from "../schemas/keys";

/** The channel migration 20261204090000_api_key_change_notify notifies when a key is revoked or changed. */
export const KEY_CHANGE_CHANNEL = "bytelab_api_keys";

/**
 * How long an authenticated key is trusted without a lookup. While this process LISTENs for key changes, a
 * revocation clears the cache the moment it commits, so the TTL only bounds how stale lastUsedAt gets; while
 * the LISTEN connection is down (Postgres restarting), 1 s, so a revocation made meanwhile bites within 1 s.
 */
export const KEY_CACHE_LISTENING_MS = 60_000;
export const KEY_CACHE_FALLBACK_MS = 1_000;

const MAX_ENTRIES = 10_000;
const RECONNECT_MS = 2_000;

interface Entry {
  at: number;
  key: ApiKeyJson;
}

/**
 * Keys authenticated recently, by secret hash: 200 CI jobs polling once a second with their own keys would
 * otherwise cost 200 key lookups a second. Kept true by a LISTEN connection on the key-change channel
 * (started on first use, reconnected when it drops); every notification clears the cache.
 */
export class KeyCache {
  private readonly entries = new Map<string, Entry>();
  /** Bumped by every notification: a lookup that started before one must not be cached after it. */
  private generation = 0;
  private listening = false;
  private listener: pg.Client | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly connectionString: string | undefined) {}

  get ttlMs(): number {
    return this.listening ? KEY_CACHE_LISTENING_MS : KEY_CACHE_FALLBACK_MS;
  }

  /** Whether revocations reach this cache at once (tests wait for it). */
  get isListening(): boolean {
    return this.listening;
  }

  get(hash: string, now = Date.now()): ApiKeyJson | null {
    this.listen();
    const entry = this.entries.get(hash);
    if (!entry) return null;
    if (now - entry.at < this.ttlMs) return entry.key;
    this.entries.delete(hash);
    return null;
  }

  /** A token to pass to `set`: the lookup's answer is cached only if no change was notified meanwhile. */
  begin(): number {
    return this.generation;
  }

  set(hash: string, key: ApiKeyJson, token: number, now = Date.now()): void {
    if (token !== this.generation) return;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(hash, { at: now, key });
  }

  delete(hash: string): void {
    this.entries.delete(hash);
  }

  /** Drops every entry (a key changed somewhere). */
  invalidate(): void {
    this.generation++;
    this.entries.clear();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.reconnect) clearTimeout(this.reconnect);
    this.reconnect = null;
    await this.drop();
  }

  private listen(): void {
    if (this.listener || this.reconnect || this.closed || !this.connectionString) return;
    const client = new pg.Client({ connectionString: this.connectionString });
    this.listener = client;
    client.on("notification", () => this.invalidate());
    client.on("error", () => void this.lost(client));
    client.on("end", () => void this.lost(client));
    client
      .connect()
      .then(() => client.query(`LISTEN ${KEY_CHANGE_CHANNEL}`))
      .then(() => {
        if (this.listener !== client) return;
        // Changes committed before LISTEN took effect were not notified: start from an empty cache.
        this.invalidate();
        this.listening = true;
      })
      .catch(() => void this.lost(client));
  }

  private async lost(client: pg.Client): Promise<void> {
    if (this.listener !== client) return;
    this.listening = false;
    this.invalidate();
    await this.drop();
    if (!this.closed)
      this.reconnect = setTimeout(() => {
        this.reconnect = null;
        this.listen();
      }, RECONNECT_MS).unref();
  }

  private async drop(): Promise<void> {
    const client = this.listener;
    this.listener = null;
    this.listening = false;
    if (client) await client.end().catch(() => {});
  }
}

// On globalThis: Next bundles each route separately, and every route must share one cache (and one LISTEN).
const globalForKeys = globalThis as unknown as { bytelabKeyCaches?: Map<string, KeyCache> };
globalForKeys.bytelabKeyCaches ??= new Map();
const caches = globalForKeys.bytelabKeyCaches;

/** The process-wide key cache of the database `pool` connects to. */
export function keyCacheFor(pool: pg.Pool): KeyCache {
  const url = (pool as pg.Pool & { options: pg.PoolConfig }).options.connectionString;
  const id = url ?? "";
  let cache = caches.get(id);
  if (!cache) {
    cache = new KeyCache(url);
    caches.set(id, cache);
  }
  return cache;
}

/** Clears every cache of this process (a key was revoked here: no need to wait for the notification). */
export function invalidateKeyCaches(): void {
  for (const cache of caches.values()) cache.invalidate();
}

/** Closes every LISTEN connection (tests, and processes that shut down cleanly). */
export async function closeKeyCaches(): Promise<void> {
  await Promise.all([...caches.values()].map((c) => c.close()));
  caches.clear();
}
