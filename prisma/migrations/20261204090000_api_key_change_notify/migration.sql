-- The server keeps authenticated API keys in memory (packages/service/src/keys/key-cache.ts) so that 200 CI
-- jobs polling once a second cost no key lookups. A revocation must still reach every server at once, whoever
-- makes it (the dashboard, the CLI on another machine, plain SQL): each change of a key's revocation, scopes or
-- secret, and each delete, notifies channel bytelab_api_keys (delivered when the change commits), and every
-- server LISTENing there drops its cache. A server whose LISTEN connection is down caches for 1 s only.
CREATE FUNCTION "api_keys_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('bytelab_api_keys', OLD."id");
  RETURN NULL;
END
$$;

CREATE TRIGGER "api_keys_notify_change" AFTER UPDATE OF "revoked_at", "scopes", "hashed_secret" OR DELETE
  ON "api_keys" FOR EACH ROW EXECUTE FUNCTION "api_keys_notify_change"();
