"use client";

import type { CreatedApiKey } from "@bytelab/service/schemas";
import { useRef, useState } from "react";

/** A new key's secret: shown this once, with a copy button and the warning that it cannot be shown again. */
export function SecretOnce({ created, onDone }: { created: CreatedApiKey; onDone: () => void }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  const input = useRef<HTMLInputElement>(null);
  return (
    <div className="notice warn secret-once" role="status" aria-label="new API key secret">
      <p>
        <strong>Copy the secret of “{created.key.name}” now: it is shown only this once.</strong> Only its
        hash is stored; if you lose it, revoke the key and create another.
      </p>
      <div className="secret-row">
        <label className="visually-hidden" htmlFor="new-key-secret">
          secret
        </label>
        <input
          id="new-key-secret"
          ref={input}
          className="secret"
          readOnly
          value={created.secret}
          onFocus={(e) => e.target.select()}
        />
        <button
          type="button"
          className="button"
          onClick={async () => {
            try {
              await navigator.clipboard.writeText(created.secret);
              setCopied("yes");
            } catch {
              input.current?.select();
              setCopied("failed");
            }
          }}
        >
          Copy
        </button>
        <button type="button" className="button" onClick={onDone}>
          I have copied it
        </button>
      </div>
      <p className="small" aria-live="polite">
        {copied === "yes"
          ? "Copied to the clipboard."
          : copied === "failed"
            ? "The browser did not allow copying: the secret is selected, press Ctrl+C."
            : `Use it as: Authorization: Bearer ${created.key.prefix}_…`}
      </p>
    </div>
  );
}
