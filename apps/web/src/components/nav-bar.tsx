"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { SignOutButton } from "./settings/sign-out-button";
import { ThemeToggle } from "./theme-toggle";

const LINKS = [
  { href: "/", label: "Overview" },
  { href: "/sweeps", label: "Sweeps" },
  { href: "/runs", label: "Runs" },
  { href: "/compare", label: "Compare" },
  { href: "/workers", label: "Workers" },
  { href: "/settings/keys", label: "API keys" },
] as const;

function isActive(pathname: string, href: string): boolean {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}

/** The top navigation of every page: the sections, the current one marked, and the theme toggle. */
export function NavBar({ signedIn = false }: { signedIn?: boolean }) {
  const pathname = usePathname() ?? "/";
  return (
    <header className="topbar">
      <nav aria-label="main" className="topbar-inner">
        <Link href="/" className="brand">
          bytelab
        </Link>
        <ul className="nav-links">
          {LINKS.map((l) => (
            <li key={l.href}>
              <Link href={l.href} aria-current={isActive(pathname, l.href) ? "page" : undefined}>
                {l.label}
              </Link>
            </li>
          ))}
        </ul>
        {signedIn ? <SignOutButton /> : null}
        <ThemeToggle />
      </nav>
    </header>
  );
}
