import { type ApiKeyJson, authenticateApiKey } from "@bytelab/service";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { apiEnv } from "../env";
import { serviceContext } from "../service-context";
import { SESSION_COOKIE } from "./authorize";
import { anonymousAllowed, authMode } from "./mode";

export interface PageViewer {
  /** The signed-in key; null on a loopback server used without one. */
  key: ApiKeyJson | null;
  keysRequired: boolean;
}

/**
 * For every dashboard page (server component): who is looking. Where keys are required and the browser has
 * no valid key cookie, redirects to /login (and back to `path` after signing in).
 */
export async function requireViewer(path: string): Promise<PageViewer> {
  const mode = authMode(apiEnv());
  const { keysRequired } = mode;
  const secret = (await cookies()).get(SESSION_COOKIE)?.value;
  if (secret) {
    const auth = await authenticateApiKey(serviceContext(), secret);
    if (auth.ok) return { key: auth.key, keysRequired };
  }
  // Without a key only for a client that addressed this server as localhost (not a DNS-rebinding page).
  if (!anonymousAllowed(mode, (await headers()).get("host")))
    redirect(`/login?next=${encodeURIComponent(path)}`);
  return { key: null, keysRequired };
}
