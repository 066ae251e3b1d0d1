import { createHash } from "node:crypto";
import { apiKeyListSchema, apiKeySchema, createdApiKeySchema } from "@bytelab/service/schemas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@bytelab/db/testing";
import { runCli, tempDir } from "./sweep-helpers";

// `bytelab keys create | list | revoke` locally: straight to the database (how the first admin key is made
// on the server host), as real processes.

const dir = tempDir("keys");
let db: TestDatabase;
let env: Record<string, string>;
const cli = (args: string[]) => runCli(["keys", ...args], env, dir);

beforeAll(async () => {
  db = await createTestDatabase("cli_keys");
  env = { DATABASE_URL: db.url, BYTELAB_HOME: `${dir}/home` };
});

afterAll(async () => {
  await db?.drop();
});

describe("bytelab keys (local)", () => {
  let secret: string;
  let prefix: string;

  it("create prints the secret once; only its sha256 is stored", async () => {
    const r = await cli(["create", "--name", "github-ci"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    secret = /^secret: (blk_[0-9a-f]{8}_[A-Za-z0-9_-]{43})$/m.exec(r.stdout)?.[1] ?? "";
    expect(secret).not.toBe("");
    prefix = secret.slice(0, 12);
    expect(r.stdout).toContain(`created API key "github-ci"`);
    expect(r.stdout).toContain(`prefix ${prefix}), scopes: read,write`);
    expect(r.stdout).toContain("shown once");

    const rows = await db.prisma.apiKey.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.hashedSecret).toBe(createHash("sha256").update(secret).digest("hex"));
    expect(JSON.stringify(rows, (_, v) => (typeof v === "bigint" ? String(v) : v))).not.toContain(
      secret.slice(13),
    );
  });

  it("create --scope admin --json: the bytelab.api-key/1 object, scopes nested", async () => {
    const r = await cli(["create", "--name", "ops", "--scope", "admin", "--json"]);
    expect(r.code).toBe(0);
    const created = createdApiKeySchema.parse(JSON.parse(r.stdout));
    expect(created.key.scopes).toEqual(["read", "write", "admin"]);
    expect(created.secret.startsWith(created.key.prefix)).toBe(true);
  });

  it("list shows every key without its secret", async () => {
    const r = await cli(["list", "--json"]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain(secret);
    const list = apiKeyListSchema.parse(JSON.parse(r.stdout));
    expect(list.keys.map((k) => k.name)).toEqual(["ops", "github-ci"]);
    const text = await cli(["list"]);
    expect(text.stdout).toMatch(/^id +name +prefix +scopes +created +last used +revoked$/m);
    expect(text.stdout).toMatch(new RegExp(`github-ci +${prefix} +read,write +[\\d-]+ [\\d:]+ +- +-`));
    expect(text.stdout).not.toContain(secret);
  });

  it("revoke by prefix marks the key revoked; again changes nothing; unknown is exit 2", async () => {
    const r = await cli(["revoke", prefix, "--json"]);
    expect(r.code).toBe(0);
    const key = apiKeySchema.parse(JSON.parse(r.stdout));
    expect(key.revokedAt).not.toBeNull();
    const again = await cli(["revoke", key.id]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`revoked API key "github-ci" (${prefix})`);
    const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.revokedAt?.toISOString()).toBe(key.revokedAt);
    const unknown = await cli(["revoke", "blk_00000000"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no API key with id "blk_00000000"; list keys with `bytelab keys list`');
  });

  it("usage errors exit 2: no --name, an unknown scope, an empty name", async () => {
    const noName = await cli(["create"]);
    expect(noName.code).toBe(2);
    expect(noName.stderr).toContain("required option '--name <name>' not specified");
    const scope = await cli(["create", "--name", "x", "--scope", "root"]);
    expect(scope.code).toBe(2);
    expect(scope.stderr).toMatch(/--scope.*root/);
    const empty = await cli(["create", "--name", "  "]);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain("name: give the key a name");
    expect(await db.prisma.apiKey.count()).toBe(2);
  });
});
