"use client";

import { useLayoutEffect } from "react";
import { applyInitialTheme } from "../../lib/theme";

/**
 * A 404 is rendered by React in the browser (Next's error shell), where the layout's inline theme script never
 * runs; this applies the same theme before the first paint of that page (layout effects run before the
 * toggle's own effect reads it).
 */
export function StoredTheme() {
  useLayoutEffect(applyInitialTheme, []);
  return null;
}
