/**
 * Sets <html data-theme> to the theme the person chose with the toggle (localStorage "bytelab-theme"), else
 * the system's (prefers-color-scheme), dark when unknown. Self-contained: the layout inlines its source as a
 * script that runs before the first paint, and a 404 page (rendered without that script) calls it directly.
 */
export function applyInitialTheme(): void {
  try {
    let theme = localStorage.getItem("bytelab-theme");
    if (theme !== "light" && theme !== "dark")
      theme = matchMedia("(prefers-color-scheme: light)").matches ? "light" : "dark";
    document.documentElement.dataset.theme = theme;
  } catch {
    // no storage or no matchMedia: the stylesheet's default (dark)
  }
}

/** applyInitialTheme as an inline script for the document head. */
export const INITIAL_THEME_SCRIPT = `(${applyInitialTheme.toString()})()`;
