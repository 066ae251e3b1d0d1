import { SPEC_KINDS, type SpecKind } from "@bytelab/experiments/spec";
import Link from "next/link";
import { LaunchForm } from "../../../components/forms/launch/launch-form";
import { blankSpec } from "../../../components/forms/launch/spec-model";
import { loadSpecTemplates } from "../../../components/forms/launch/templates";
import { firstParam, type SearchParams } from "../../../components/sweeps/search-params";
import { requireViewer } from "../../../lib/auth/page";

export const dynamic = "force-dynamic";

/** /sweeps/new?template=arch-compare-brown.yaml&tab=editor (or ?kind=ladder): the launch form. */
export default async function NewSweepPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const query = await searchParams;
  const qs = new URLSearchParams(
    Object.entries(query).flatMap(([k, v]) => (typeof v === "string" ? [[k, v]] : [])),
  ).toString();
  await requireViewer(`/sweeps/new${qs ? `?${qs}` : ""}`);
  const templates = await loadSpecTemplates();
  const file = firstParam(query.template);
  const template = templates.find((t) => t.file === file && t.spec !== null) ?? null;
  const kindParam = firstParam(query.kind);
  const kind: SpecKind = (SPEC_KINDS as readonly string[]).includes(kindParam ?? "")
    ? (kindParam as SpecKind)
    : "sweep";
  return (
    <main className="page wide">
      <p className="breadcrumb">
        <Link href="/sweeps">Sweeps</Link> / <span>new</span>
      </p>
      <h1 className="title">Launch a sweep</h1>
      <p className="subtitle">
        The same spec as <code>npx bytelab sweep submit FILE</code>: checked as you type, planned on the
        server (runs, steps, FLOPs, reuse) before anything is queued.
      </p>
      <LaunchForm
        initialSpec={template?.spec ?? blankSpec(kind)}
        initialTemplate={template}
        initialTab={firstParam(query.tab) === "editor" ? "editor" : "form"}
        templates={templates}
      />
    </main>
  );
}
