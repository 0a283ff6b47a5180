import { useState } from "react";
import type {
  FlagsResponse,
  SafeguardingFlagName,
} from "../../../src/server/safeguarding/safeguarding.schema.ts";
import { api } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";
import { FLAG_LABELS } from "./Safeguarding.tsx";

const ORDER: SafeguardingFlagName[] = [
  "safeguarding_concern",
  "has_social_worker",
  "looked_after",
  "child_protection_plan",
  "child_in_need_plan",
];

/** A pupil's safeguarding flags: set or clear one with the reason; every change listed. */
export function SafeguardingFlags({ pupilId }: { pupilId: string }) {
  const { schoolId, can } = useSession();
  const base = `/api/schools/${schoolId}/pupils/${pupilId}/safeguarding-flags`;
  const flags = useApi<FlagsResponse>(schoolId && can("pupils.safeguarding") ? base : null);
  const [flag, setFlag] = useState<SafeguardingFlagName>("safeguarding_concern");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (!can("pupils.safeguarding") || !flags.data) return <ErrorNotice error={flags.error} />;
  const current = flags.data.current;
  const on = current[flag] ?? false;
  const change = async () => {
    setError(null);
    setDone(null);
    try {
      await api.post(base, { flag, value: !on, reason });
      setDone(`${FLAG_LABELS[flag]}: ${on ? "cleared" : "set"}`);
      setReason("");
      flags.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <section aria-labelledby="safeguarding-flags">
      <h2 id="safeguarding-flags">Safeguarding</h2>
      <ul className="row flags">
        {ORDER.filter((f) => current[f]).map((f) => (
          <li key={f} className="tag tag-alert">
            {FLAG_LABELS[f]}
          </li>
        ))}
        {ORDER.every((f) => !current[f]) && <li className="muted">No safeguarding flag set</li>}
      </ul>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          void change();
        }}
      >
        <label className="inline">
          Flag
          <select value={flag} onChange={(e) => setFlag(e.target.value as SafeguardingFlagName)}>
            {ORDER.map((f) => (
              <option key={f} value={f}>
                {FLAG_LABELS[f]} ({current[f] ? "set" : "not set"})
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Why
          <input value={reason} onChange={(e) => setReason(e.target.value)} required />
        </label>
        <button type="submit">{on ? "Clear" : "Set"}</button>
      </form>
      <ErrorNotice error={error} />
      {done && <Notice tone="success">{done}</Notice>}
      {flags.data.history.length > 0 && (
        <ol className="history">
          {flags.data.history.map((h) => (
            <li key={h.id}>
              {new Date(h.changedAt).toLocaleString("en-GB", { timeZone: "Europe/London" })}:{" "}
              {FLAG_LABELS[h.flag]} {h.value ? "set" : "cleared"} by {h.changedBy}: {h.reason}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
