import { createHash, randomBytes } from "node:crypto";
import type { ApiKey, PrismaClient } from "@bytelab/db/runtime";
import type { ServiceContext } from "../context";
import { detailsFromZodIssues, InvalidInputError, NotFoundError } from "../errors";
import { invalidateKeyCaches, keyCacheFor } from "./key-cache";
import {
  type ApiKeyJson,
  type ApiKeyList,
  type ApiScope,
  apiKeyListSchema,
  apiScopeSchema,
  type CreateApiKeyInput,
  type CreatedApiKey,
  createApiKeyInputSchema,
  createdApiKeySchema,
} from "../schemas/keys";

/** Secrets look like `blk_1a2b3c4d_<43 base64url characters>`; the part before the second _ is the prefix. */
const TOKEN = /^(blk_[0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

/** lastUsedAt is written at most this often per key (a busy CI poller must not write on every request). */
const LAST_USED_RESOLUTION_MS = 60_000;

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

const SCOPE_ORDER: readonly ApiScope[] = ["read", "write", "admin"];

function toJson(key: ApiKey): ApiKeyJson {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    scopes: SCOPE_ORDER.filter((s) => key.scopes.includes(s)),
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

/**
 * Creates an API key and returns its secret: the only time it is shown (only its sha256 is stored).
 * Scopes nest: write includes read, admin includes both (what is stored is the expanded list).
 */
export async function createApiKey(prisma: PrismaClient, input: CreateApiKeyInput): Promise<CreatedApiKey> {
  const parsed = createApiKeyInputSchema.safeParse(input);
  if (!parsed.success)
    throw new InvalidInputError("invalid API key request", detailsFromZodIssues(parsed.error.issues));
  const highest = Math.max(...parsed.data.scopes.map((s) => SCOPE_ORDER.indexOf(s)));
  const scopes = SCOPE_ORDER.slice(0, highest + 1);
  const prefix = `blk_${randomBytes(4).toString("hex")}`;
  const secret = `${prefix}_${randomBytes(32).toString("base64url")}`;
  const key = await prisma.apiKey.create({
    data: { name: parsed.data.name, prefix, hashedSecret: hashSecret(secret), scopes: [...scopes] },
  });
  return createdApiKeySchema.parse({ format: "bytelab.api-key/1", key: toJson(key), secret });
}

/** Every key, newest first, revoked ones included (marked). Secrets are never returned. */
export async function listApiKeys(prisma: PrismaClient): Promise<ApiKeyList> {
  const keys = await prisma.apiKey.findMany({ orderBy: [{ createdAt: "desc" }, { id: "desc" }] });
  return apiKeyListSchema.parse({ format: "bytelab.api-key-list/1", keys: keys.map(toJson) });
}

/** Revokes a key by id or prefix (`blk_1a2b3c4d`); revoking a revoked key changes nothing. */
export async function revokeApiKey(prisma: PrismaClient, idOrPrefix: string): Promise<ApiKeyJson> {
  const key =
    (await prisma.apiKey.findUnique({ where: { id: idOrPrefix } })) ??
    (await prisma.apiKey.findFirst({ where: { prefix: idOrPrefix } }));
  if (!key) throw new NotFoundError("API key", idOrPrefix);
  // This process forgets the key now; every other server hears of it from the database's notification.
  invalidateKeyCaches();
  if (key.revokedAt) return toJson(key);
  return toJson(await prisma.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } }));
}

export type Authentication =
  | { ok: true; key: ApiKeyJson }
  | { ok: false; reason: "malformed" | "unknown" | "revoked" };

/**
 * Checks a bearer secret: the key it belongs to (by the hash's unique index), or why not. Records the use
 * (lastUsedAt, at most once a minute per key). A valid key is then trusted from memory (KeyCache) until a key
 * change is notified, or for 1 s while this process cannot listen for changes.
 */
export async function authenticateApiKey(
  ctx: Pick<ServiceContext, "prisma" | "pool">,
  secret: string,
): Promise<Authentication> {
  if (!TOKEN.test(secret)) return { ok: false, reason: "malformed" };
  const hashed = hashSecret(secret);
  const cache = keyCacheFor(ctx.pool);
  const cached = cache.get(hashed);
  if (cached) return { ok: true, key: cached };
  const token = cache.begin();
  const result = await lookUp(ctx.prisma, hashed);
  if (result.ok) cache.set(hashed, result.key, token);
  else cache.delete(hashed);
  return result;
}

async function lookUp(prisma: PrismaClient, hashed: string): Promise<Authentication> {
  const key = await prisma.apiKey.findUnique({ where: { hashedSecret: hashed } });
  if (!key) return { ok: false, reason: "unknown" };
  if (key.revokedAt) return { ok: false, reason: "revoked" };
  const now = Date.now();
  if (!key.lastUsedAt || now - key.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    const at = new Date(now);
    await prisma.apiKey.updateMany({ where: { id: key.id }, data: { lastUsedAt: at } });
    key.lastUsedAt = at;
  }
  return { ok: true, key: toJson(key) };
}

/** Whether a key's scopes allow `needed`. */
export function hasScope(scopes: readonly string[], needed: ApiScope): boolean {
  return apiScopeSchema.options.includes(needed) && scopes.includes(needed);
}
