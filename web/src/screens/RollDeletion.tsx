import { useState } from "react";
import { api, londonToday } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";

interface Ground {
  id: string;
  name: string;
  needsJointEnquiries: boolean;
}

/** Deletion from the admission register on a 2024 Regulations ground (pupils.manage only). */
export function RollDeletion({
  pupilId,
  leavingDate,
}: {
  pupilId: string;
  leavingDate: string | null;
}) {
  const { schoolId, can } = useSession();
  const allowed = can("pupils.manage") && leavingDate === null;
  const grounds = useApi<{ grounds: Ground[] }>(
    schoolId && allowed ? `/api/schools/${schoolId}/roll-deletion-grounds` : null,
  );
  const [ground, setGround] = useState("");
  const [date, setDate] = useState(londonToday());
  const [details, setDetails] = useState("");
  const [enquiries, setEnquiries] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (leavingDate)
    return <p className="muted">Deleted from the admission register from {leavingDate}.</p>;
  if (!allowed || !grounds.data) return null;
  const chosen = grounds.data.grounds.find((g) => g.id === ground);
  const submit = async () => {
    setError(null);
    try {
      const result = await api.post<{ notified: { to: string }[] }>(
        `/api/schools/${schoolId}/pupils/${pupilId}/deletion`,
        { ground, leavingDate: date, details, enquiries: enquiries || null },
      );
      setDone(
        `Deleted; the deletion return went to ${result.notified.map((n) => n.to).join(" and ")}.`,
      );
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <details>
      <summary>Delete from the admission register</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label>
          Ground (2024 Regulations, regulation 9)
          <select value={ground} onChange={(e) => setGround(e.target.value)} required>
            <option value="">Choose the ground…</option>
            {grounds.data.grounds.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Deleted from
          <input type="date" value={date} onChange={(e) => setDate(e.target.value)} required />
        </label>
        <label>
          What makes the ground true
          <textarea
            value={details}
            onChange={(e) => setDetails(e.target.value)}
            required
            rows={3}
          />
        </label>
        <label>
          Enquiries made with the local authority to find the child
          {chosen?.needsJointEnquiries
            ? " (needed for this ground)"
            : " (needed for a missing child)"}
          <textarea value={enquiries} onChange={(e) => setEnquiries(e.target.value)} rows={3} />
        </label>
        <button type="submit">Delete from the register</button>
      </form>
      <ErrorNotice error={error} />
      {done && <Notice tone="success">{done}</Notice>}
    </details>
  );
}
