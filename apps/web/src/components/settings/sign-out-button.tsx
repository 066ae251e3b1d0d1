"use client";

import { useState } from "react";
import { api } from "../forms/api";

/** Forgets the dashboard's key cookie (DELETE /api/v1/session) and goes to the login page. */
export function SignOutButton() {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      className="theme-toggle"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        await api("/session", { method: "DELETE" });
        window.location.assign(`/login?next=${encodeURIComponent(window.location.pathname)}&signedOut=1`);
      }}
    >
      Sign out
    </button>
  );
}
