import { z } from "zod";
import { isoDateTime } from "./common";

/** read: every GET; write: also submit, cancel, re-run, verdicts; admin: also API keys. */
export const API_SCOPES = ["read", "write", "admin"] as const;
export type ApiScope = (typeof API_SCOPES)[number];
export const apiScopeSchema = z.enum(API_SCOPES);

export const apiKeySchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the secret (`blk_ab12cd34`): tells keys apart without revealing them. */
  prefix: z.string(),
  scopes: z.array(apiScopeSchema),
  createdAt: isoDateTime,
  lastUsedAt: isoDateTime.nullable(),
  revokedAt: isoDateTime.nullable(),
});
export type ApiKeyJson = z.infer<typeof apiKeySchema>;

export const createApiKeyInputSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, "give the key a name, e.g. github-ci")
      .max(100, "a key name is at most 100 characters"),
    /** Default: read and write (what a CI job needs). */
    scopes: z
      .array(apiScopeSchema)
      .min(1, "give at least one scope: read, write or admin")
      .default(["read", "write"]),
  })
  .strict();
export type CreateApiKeyInput = z.input<typeof createApiKeyInputSchema>;

/** The answer to creating a key: the only time the secret is shown. */
export const createdApiKeySchema = z.object({
  format: z.literal("bytelab.api-key/1"),
  key: apiKeySchema,
  /** Send as `Authorization: Bearer <secret>`. Stored only as a hash: copy it now. */
  secret: z.string(),
});
export type CreatedApiKey = z.infer<typeof createdApiKeySchema>;

export const apiKeyListSchema = z.object({
  format: z.literal("bytelab.api-key-list/1"),
  keys: z.array(apiKeySchema),
});
export type ApiKeyList = z.infer<typeof apiKeyListSchema>;
