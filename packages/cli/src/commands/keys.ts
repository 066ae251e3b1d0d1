import { type Command, Option } from "commander";
import { API_SCOPES, type ApiKeyJson, type ApiScope } from "@bytelab/service/schemas";
import { EXIT } from "../exit";
import { table } from "../sweep/format";
import { backendAction, epilogue, printJson } from "./common";

function scopesText(key: ApiKeyJson): string {
  return key.scopes.join(",");
}

const day = (iso: string | null) => (iso ? iso.slice(0, 19).replace("T", " ") : "-");

/**
 * `bytelab keys create | list | revoke`: API keys for the REST API (and `--api` mode). Locally they go
 * straight to the database, so the first admin key is made on the server host; remotely they need an
 * admin key.
 */
export function registerKeysCommands(program: Command): void {
  const keys = program
    .command("keys")
    .description("create, list and revoke API keys (local: straight to the database; remote: an admin key)")
    .addHelpText("after", epilogue(""));

  keys
    .command("create")
    .description("create an API key and print its secret (shown once; only its hash is stored)")
    .requiredOption("--name <name>", "what the key is for, e.g. github-ci")
    .addOption(
      new Option(
        "--scope <scope>",
        "read: every GET; write: also submit, cancel, re-run, verdicts; admin: also keys",
      )
        .choices(API_SCOPES)
        .default("write"),
    )
    .option("--json", "print the bytelab.api-key/1 object {key, secret}")
    .addHelpText(
      "after",
      epilogue(`
Examples:
  npx bytelab keys create --name github-ci                # on the server host: read + write
  npx bytelab keys create --name ops --scope admin
  # then, in CI: BYTELAB_API_URL=https://bytelab.example.org BYTELAB_TOKEN=<secret> npx bytelab sweep list

Scopes nest: write includes read, admin includes both. The secret is printed once, now: the server keeps
only its sha256, so a lost secret cannot be shown again (revoke the key and create another).`),
    )
    .action(
      backendAction(async (backend, opts: { name: string; scope: ApiScope; json?: boolean }) => {
        const created = await backend.createKey({ name: opts.name, scopes: [opts.scope] });
        if (opts.json) {
          printJson(created);
          return EXIT.ok;
        }
        const k = created.key;
        console.log(`created API key "${k.name}" (id ${k.id}, prefix ${k.prefix}), scopes: ${scopesText(k)}`);
        console.log(`secret: ${created.secret}`);
        console.log(
          "  shown once: store it now (e.g. as the CI secret BYTELAB_TOKEN); only its hash is kept.",
        );
        console.log(`  revoke it: npx bytelab keys revoke ${k.prefix}`);
        return EXIT.ok;
      }),
    );

  keys
    .command("list")
    .description("list API keys, newest first, revoked ones included (secrets are never shown)")
    .option("--json", "print the bytelab.api-key-list/1 object")
    .addHelpText(
      "after",
      epilogue(
        "Examples:\n  npx bytelab keys list\n  npx bytelab keys list --json | jq -r '.keys[] | select(.revokedAt == null) | .prefix'",
      ),
    )
    .action(
      backendAction(async (backend, opts: { json?: boolean }) => {
        const list = await backend.listKeys();
        if (opts.json) {
          printJson(list);
          return EXIT.ok;
        }
        if (list.keys.length === 0) {
          console.log("no API keys yet; create one with `npx bytelab keys create --name github-ci`");
          return EXIT.ok;
        }
        const rows = [
          ["id", "name", "prefix", "scopes", "created", "last used", "revoked"],
          ...list.keys.map((k) => [
            k.id,
            k.name,
            k.prefix,
            scopesText(k),
            day(k.createdAt),
            day(k.lastUsedAt),
            day(k.revokedAt),
          ]),
        ];
        for (const line of table(rows)) console.log(line);
        return EXIT.ok;
      }),
    );

  keys
    .command("revoke")
    .description("revoke an API key by id or prefix (blk_1a2b3c4d); requests with it fail from now on")
    .argument("<idOrPrefix>", "the key's id or prefix, as `keys list` shows them")
    .option("--json", "print the revoked key's object")
    .addHelpText("after", epilogue("Examples:\n  npx bytelab keys revoke blk_1a2b3c4d"))
    .action(
      backendAction(async (backend, idOrPrefix: string, opts: { json?: boolean }) => {
        const key = await backend.revokeKey(idOrPrefix);
        if (opts.json) printJson(key);
        else console.log(`revoked API key "${key.name}" (${key.prefix}) at ${day(key.revokedAt)}`);
        return EXIT.ok;
      }),
    );
}
