"use client";

import { useEffect, useState } from "react";

type Theme = "dark" | "light";

/**
 * Switches between the dark and light themes (the first page follows the system's preference); the choice is
 * kept in localStorage and wins over the system's from then on.
 */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme>("dark");
  useEffect(() => {
    setTheme(document.documentElement.dataset.theme === "light" ? "light" : "dark");
  }, []);
  const next: Theme = theme === "dark" ? "light" : "dark";
  return (
    <button
      type="button"
      className="theme-toggle"
      aria-label={`Switch to the ${next} theme`}
      onClick={() => {
        document.documentElement.dataset.theme = next;
        try {
          localStorage.setItem("bytelab-theme", next);
        } catch {
          // private mode: the choice lasts for this page only
        }
        setTheme(next);
        window.dispatchEvent(new CustomEvent("bytelab-theme", { detail: next }));
      }}
    >
      {theme === "dark" ? "☀ Light" : "☾ Dark"}
    </button>
  );
}
