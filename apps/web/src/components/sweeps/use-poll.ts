"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { type ApiFailure, api } from "../forms/api";

/**
 * Live data: starts from the server-rendered `initial`, fetches `path` every `intervalMs` while `active(data)`
 * holds (and the tab is visible), without reloading the page. `refresh()` fetches at once (after an action).
 * A failed poll keeps the last data and says why; polling goes on.
 */
export function usePoll<T>(
  path: string,
  initial: T,
  active: (data: T) => boolean,
  intervalMs = 2_000,
): { data: T; error: ApiFailure | null; refresh: () => Promise<void>; updatedAt: number | null } {
  const [data, setData] = useState(initial);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [updatedAt, setUpdatedAt] = useState<number | null>(null);
  const activeRef = useRef(active);
  activeRef.current = active;
  const inFlight = useRef<AbortController | null>(null);
  const latest = useRef(data);
  latest.current = data;

  const refresh = useCallback(async () => {
    inFlight.current?.abort();
    const controller = new AbortController();
    inFlight.current = controller;
    try {
      const result = await api<T>(path, { signal: controller.signal });
      if (controller.signal.aborted) return;
      if (result.ok) {
        setData(result.data);
        setError(null);
        setUpdatedAt(Date.now());
      } else setError(result.error);
    } catch {
      // aborted: a newer request took over
    }
  }, [path]);

  const isActive = active(data);
  useEffect(() => {
    if (!isActive) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const tick = async () => {
      if (document.visibilityState === "visible") await refresh();
      if (!stopped && activeRef.current(latest.current)) timer = setTimeout(tick, intervalMs);
    };
    timer = setTimeout(tick, intervalMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [isActive, refresh, intervalMs]);

  useEffect(() => () => inFlight.current?.abort(), []);
  return { data, error, refresh, updatedAt };
}
