import { isIP } from "node:net";
import type { ApiEnv } from "../env";

/** Is `host` a loopback address (127.0.0.0/8, ::1, localhost)? Unset (every interface) is not. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (!host) return false;
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  return isIP(h) === 4 && h.startsWith("127.");
}

export interface AuthMode {
  /** Every route except health and the OpenAPI document needs a key. */
  keysRequired: boolean;
  /** The address the server listens on, as configured (null: every interface). */
  host: string | null;
  loopback: boolean;
}

/** What BYTELAB_AUTH means on this server's address. */
export function authMode(env: ApiEnv): AuthMode {
  const host = env.BYTELAB_HOST ?? env.HOSTNAME ?? null;
  const loopback = isLoopbackHost(host ?? undefined);
  const keysRequired = env.BYTELAB_AUTH === "required" || (env.BYTELAB_AUTH === "auto" && !loopback);
  return { keysRequired, host, loopback };
}

/** The host name of a Host header value (`localhost:3000` -> localhost, `[::1]:3000` -> ::1); null if absent. */
export function hostName(hostHeader: string | null): string | null {
  const value = hostHeader?.trim().toLowerCase();
  if (!value) return null;
  if (value.startsWith("[")) return value.slice(1, value.indexOf("]") > 0 ? value.indexOf("]") : undefined);
  return value.replace(/:\d*$/, "");
}

/**
 * Whether a request without an API key may be served: only where keys are not required, and only when the
 * client addressed this server by a loopback name (its Host header). A page of another site that points its
 * own name at 127.0.0.1 (DNS rebinding) is same-origin with itself, passes any Origin check and sends its own
 * name as Host: it must not be served as the local user.
 */
export function anonymousAllowed(mode: AuthMode, hostHeader: string | null): boolean {
  return !mode.keysRequired && isLoopbackHost(hostName(hostHeader) ?? undefined);
}

/**
 * Why the server must not start, or null: auth switched off while listening beyond loopback would open
 * every mutation to the network.
 */
export function unsafeAuthReason(env: ApiEnv): string | null {
  const mode = authMode(env);
  if (env.BYTELAB_AUTH !== "off" || mode.loopback) return null;
  return (
    `BYTELAB_AUTH=off while the server listens on ${mode.host ?? "every interface"}: anyone who can reach it ` +
    "could launch and cancel sweeps. Fix: listen on 127.0.0.1 (BYTELAB_HOST), or remove BYTELAB_AUTH=off and " +
    "create an API key with `npx bytelab keys create --name me --scope admin`."
  );
}
