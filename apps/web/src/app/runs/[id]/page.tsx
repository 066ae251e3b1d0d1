import { getRun, NotFoundError } from "@bytelab/service";
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { ConfigView } from "../../../components/runs/config-view";
import { RunView } from "../../../components/runs/run-view";
import { requireViewer } from "../../../lib/auth/page";
import { serviceContext } from "../../../lib/service-context";
import "../../../components/runs/runs.css";

export const dynamic = "force-dynamic";

async function load(id: string) {
  try {
    return await getRun(serviceContext(), id);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
}

export async function generateMetadata(props: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const { id } = await props.params;
  return { title: `Run ${decodeURIComponent(id)} · bytelab` };
}

export default async function RunPage(props: { params: Promise<{ id: string }> }) {
  const { id: raw } = await props.params;
  const id = decodeURIComponent(raw);
  await requireViewer(`/runs/${encodeURIComponent(id)}`);
  const detail = await load(id);
  return (
    <main className="page run-page">
      <RunView
        initial={detail}
        config={
          <ConfigView
            config={detail.run.config}
            configHash={detail.run.configHash}
            varying={detail.varying}
          />
        }
      />
    </main>
  );
}
