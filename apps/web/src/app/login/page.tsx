import { LoginForm } from "../../components/settings/login-form";
import { safeNext } from "../../components/settings/safe-next";
import { firstParam, type SearchParams } from "../../components/sweeps/search-params";
import { authMode } from "../../lib/auth/mode";
import { apiEnv } from "../../lib/env";

export const dynamic = "force-dynamic";

/** /login?next=/sweeps: sign in with an API key where the server requires keys. */
export default async function LoginPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const query = await searchParams;
  const next = safeNext(firstParam(query.next));
  const { keysRequired } = authMode(apiEnv());
  const signedOut = firstParam(query.signedOut) === "1";
  return (
    <main className="page narrow">
      <h1 className="title">Sign in</h1>
      {signedOut ? (
        <div className="notice success" role="status">
          Signed out: the key cookie is gone from this browser.
        </div>
      ) : null}
      <p className="subtitle">
        {keysRequired
          ? "This server requires an API key: paste one to use the dashboard."
          : "This server listens on loopback only and needs no key; signing in with one is optional (actions are then recorded under that key)."}
      </p>
      <LoginForm next={next} />
    </main>
  );
}
