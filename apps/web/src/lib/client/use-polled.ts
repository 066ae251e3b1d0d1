"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import type { z } from "zod";
import { fetchJson } from "./fetch-json";

export interface Polled<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  /** Fetch again now. */
  refresh: () => void;
}

/**
 * Fetches `url` (checked with `schema`) when it changes, and again `intervalMs` after each answer while that
 * is not null (a live run): never two requests at once, however slow the server. `key` forces a fetch when
 * it changes (e.g. the run's status: the final numbers once it finishes). The last good data stays while a
 * later poll fails; a hidden tab skips polls.
 */
export function usePolled<S extends z.ZodType>(
  url: string | null,
  schema: S,
  intervalMs: number | null,
  key: unknown = null,
): Polled<z.output<S>> {
  const [data, setData] = useState<z.output<S> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(url !== null);
  const [tick, setTick] = useState(0);
  const schemaRef = useRef(schema);
  schemaRef.current = schema;
  const refresh = useCallback(() => setTick((t) => t + 1), []);

  // biome-ignore lint/correctness/useExhaustiveDependencies: tick and key are triggers, not inputs
  useEffect(() => {
    if (!url) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let first = true;
    const poll = async () => {
      if (!first && document.visibilityState === "hidden") {
        if (intervalMs !== null) timer = setTimeout(poll, intervalMs);
        return;
      }
      first = false;
      setLoading(true);
      try {
        const d = await fetchJson(url, schemaRef.current, { signal: controller.signal });
        if (controller.signal.aborted) return;
        setData(d);
        setError(null);
      } catch (e) {
        if (controller.signal.aborted) return;
        setError(e instanceof Error ? e.message : String(e));
      }
      setLoading(false);
      if (intervalMs !== null) timer = setTimeout(poll, intervalMs);
    };
    void poll();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [url, intervalMs, tick, key]);

  return { data, error, loading, refresh };
}
