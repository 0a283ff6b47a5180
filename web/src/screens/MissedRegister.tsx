import { useState } from "react";
import type { RegisterRequestView } from "../../../src/server/desk/desk.schema.ts";
import { api } from "../api.ts";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";

/**
 * A closed register the tutor did not take: only the office may take it now. Says whom to ask
 * and sends the request, with a note of who was there, to the office's Today.
 */
export function MissedRegister({ path }: { path: string }) {
  const view = useApi<RegisterRequestView>(`${path}/request`);
  const [note, setNote] = useState("");
  const [error, setError] = useState<Error | null>(null);
  if (!view.data) return <ErrorNotice error={view.error} />;
  const { whomToAsk, request } = view.data;
  const ask = async () => {
    setError(null);
    try {
      await api.post(`${path}/request`, { note });
      view.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <div className="card missed-register no-print">
      <h2>Missed this register?</h2>
      <p>
        It has closed, so only the attendance office can take it now
        {whomToAsk.length > 0 ? `: ask ${whomToAsk.join(", ")}` : ""}.
      </p>
      {request ? (
        <Notice tone="success">
          Asked by {request.requestedBy}
          {request.taken ? "; the register has since been taken." : "; the office will take it."}
        </Notice>
      ) : (
        <>
          <label>
            Who was there (for the office)
            <input value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          <ErrorNotice error={error} />
          <button type="button" onClick={() => void ask()}>
            Ask the office to take it
          </button>
        </>
      )}
    </div>
  );
}
