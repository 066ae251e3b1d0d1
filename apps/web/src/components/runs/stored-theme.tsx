"use client";

import { useLayoutEffect } from "react";

/**
 * Applies the theme kept in localStorage ("bytelab-theme"), else the system's, as the layout's script does. A 404 is rendered by React in the browser (Next's
 * error shell), where the layout's inline theme script never runs; this puts the person's theme back before
 * the first paint of that page (layout effects run before the toggle's own effect reads it).
 */
export function StoredTheme() {
  useLayoutEffect(() => {
    try {
      let t = localStorage.getItem("bytelab-theme");
      if (t !== "light" && t !== "dark")
        t = matchMedia("(prefers-color-scheme: light)").matches ? "light" : "dark";
      document.documentElement.dataset.theme = t;
    } catch {
      // no storage: the default theme
    }
  }, []);
  return null;
}
