"use client";

import { useLayoutEffect } from "react";

/**
 * Applies the theme kept in localStorage ("bytelab-theme"). A 404 is rendered by React in the browser (Next's
 * error shell), where the layout's inline theme script never runs; this puts the person's theme back before
 * the first paint of that page (layout effects run before the toggle's own effect reads it).
 */
export function StoredTheme() {
  useLayoutEffect(() => {
    try {
      const t = localStorage.getItem("bytelab-theme");
      if (t === "light" || t === "dark") document.documentElement.dataset.theme = t;
    } catch {
      // no storage: the default theme
    }
  }, []);
  return null;
}
