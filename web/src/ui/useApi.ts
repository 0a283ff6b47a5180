import { useCallback, useEffect, useState } from "react";
import { api } from "../api.ts";

/** Loads a GET endpoint, again whenever the path changes or `reload` is called. */
export function useApi<T>(path: string | null): {
  data: T | null;
  error: Error | null;
  loading: boolean;
  reload: () => void;
} {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [loading, setLoading] = useState(false);
  const [generation, setGeneration] = useState(0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: generation is the reload trigger
  useEffect(() => {
    if (!path) return;
    let current = true;
    setLoading(true);
    api
      .get<T>(path)
      .then((result) => {
        if (!current) return;
        setData(result);
        setError(null);
      })
      .catch((e: Error) => current && setError(e))
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [path, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload };
}
