/**
 * Where to go after signing in: `next` when it is a path on this site ("/sweeps/abc?x=1"), else "/". Never
 * another origin ("//evil.example", "https://...", "/\\evil"): an open redirect would hand the session to it.
 */
export function safeNext(next: string | null | undefined): string {
  if (!next?.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return "/";
  if ([...next].some((c) => c.charCodeAt(0) < 0x20)) return "/";
  if (next === "/login" || next.startsWith("/login?")) return "/";
  return next;
}
