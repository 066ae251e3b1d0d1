import { type ApiKeyList, listApiKeys } from "@bytelab/service";
import Link from "next/link";
import { KeysManager } from "../../../components/settings/keys-manager";
import { LoadError } from "../../../components/sweeps/load-error";
import { requireViewer } from "../../../lib/auth/page";
import { serviceContext } from "../../../lib/service-context";

export const dynamic = "force-dynamic";

/** /settings/keys: API keys for CI and remote dashboards (admin scope where keys are required). */
export default async function KeysPage() {
  const viewer = await requireViewer("/settings/keys");
  const admin = viewer.key === null ? !viewer.keysRequired : viewer.key.scopes.includes("admin");
  let list: ApiKeyList | null = null;
  let error: unknown = null;
  if (admin)
    try {
      list = await listApiKeys(serviceContext().prisma);
    } catch (e) {
      error = e;
    }
  return (
    <main className="page">
      <h1 className="title">API keys</h1>
      <p className="subtitle">
        Keys let CI jobs and the <code>bytelab</code> CLI use the REST API (
        <code>Authorization: Bearer …</code>)
        {viewer.keysRequired ? ", and people sign in to this dashboard." : "."}{" "}
        {viewer.key ? (
          <>
            Signed in as <strong>{viewer.key.name}</strong> (<code>{viewer.key.prefix}</code>,{" "}
            {viewer.key.scopes.join(", ")}).
          </>
        ) : (
          <span>This server listens on loopback only: the dashboard needs no key here.</span>
        )}
      </p>
      {!admin ? (
        <div className="notice error" role="alert">
          Managing keys needs the <strong>admin</strong> scope; the key you signed in with has{" "}
          {viewer.key?.scopes.join(", ")}.{" "}
          <Link href="/login?next=/settings/keys">Sign in with an admin key</Link>.
        </div>
      ) : list ? (
        <KeysManager initial={list.keys} />
      ) : (
        <LoadError what="the API keys" error={error} />
      )}
    </main>
  );
}
