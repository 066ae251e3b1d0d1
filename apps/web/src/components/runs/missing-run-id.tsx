"use client";

import { usePathname } from "next/navigation";

/** The id in /runs/<id> (the not-found page gets no params, so it reads the path). */
export function MissingRunId() {
  const path = usePathname() ?? "";
  const id = decodeURIComponent(path.split("/")[2] ?? "");
  return <code>{id || "(none)"}</code>;
}
