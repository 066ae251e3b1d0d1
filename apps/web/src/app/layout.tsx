import type { Metadata } from "next";
import { cookies } from "next/headers";
import type { ReactNode } from "react";
import { NavBar } from "../components/nav-bar";
import { SESSION_COOKIE } from "../lib/auth/authorize";
import { INITIAL_THEME_SCRIPT } from "../lib/theme";
import "./globals.css";
import "../components/forms/ui.css";

export const metadata: Metadata = {
  title: "bytelab",
  description: "Tokenizer-free, hierarchical byte-level language models: train, compare, scale.",
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // A key cookie means a sign-out button in the top bar (pages check the key itself: requireViewer).
  const signedIn = (await cookies()).has(SESSION_COOKIE);
  return (
    <html lang="en" suppressHydrationWarning>
      <head>
        {/* biome-ignore lint/security/noDangerouslySetInnerHtml: a constant script, no user data */}
        <script dangerouslySetInnerHTML={{ __html: INITIAL_THEME_SCRIPT }} />
      </head>
      <body>
        <NavBar signedIn={signedIn} />
        {children}
      </body>
    </html>
  );
}
