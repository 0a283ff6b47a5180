import { useState } from "react";
import type { PupilDeskView } from "../../../src/server/desk/desk.schema.ts";
import type { PhotoUploaded } from "../../../src/server/photos/photos.schema.ts";
import type { Amended, AmendmentBody } from "../../../src/server/registers/amendments.schema.ts";
import { api, londonToday } from "../api.ts";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";
import { Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";

/**
 * The office amends one of this pupil's marks from their page: the same amendment as from Today
 * (src/app/registers/amend-mark.ts), a reason required, the original kept in the history.
 */
export function AmendMark({
  schoolId,
  pupilId,
  onDone,
}: {
  schoolId: number;
  pupilId: number;
  onDone: () => void;
}) {
  const [date, setDate] = useState(londonToday());
  const [session, setSession] = useState<"AM" | "PM">("AM");
  const [code, setCode] = useState("");
  const [minutes, setMinutes] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const late = /^[LU]$/i.test(code.trim());
  const submit = async () => {
    setError(null);
    setDone(null);
    const body: AmendmentBody = {
      pupilId,
      date,
      session,
      code: code.trim(),
      reason,
      ...(late ? { minutesLate: Number(minutes) } : {}),
    };
    try {
      const result = await api.post<Amended>(`/api/schools/${schoolId}/marks/amendments`, body);
      setDone(
        result.unchanged > 0
          ? "That is already the mark: nothing changed."
          : `${date} ${session} is now ${code.trim().toUpperCase()}.`,
      );
      setCode("");
      setReason("");
      onDone();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form
      className="card no-print amend-form"
      aria-label="Amend a mark"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>Amend a mark</h2>
      <div className="row">
        <label>
          Date
          <input type="date" required value={date} onChange={(e) => setDate(e.target.value)} />
        </label>
        <label>
          Session
          <select value={session} onChange={(e) => setSession(e.target.value as "AM" | "PM")}>
            <option value="AM">AM</option>
            <option value="PM">PM</option>
          </select>
        </label>
        <label>
          New code
          <input
            required
            maxLength={3}
            size={4}
            value={code}
            onChange={(e) => setCode(e.target.value)}
          />
        </label>
        {late && (
          <label>
            Minutes late
            <input
              type="number"
              required
              min={0}
              max={600}
              value={minutes}
              onChange={(e) => setMinutes(e.target.value)}
            />
          </label>
        )}
      </div>
      <label>
        Reason (kept in the history)
        <input required value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <ErrorNotice error={error} />
      {done && <Notice tone="success">{done}</Notice>}
      <button type="submit">Amend the mark</button>
    </form>
  );
}

const KIND: Record<PupilDeskView["entries"][number]["kind"], string> = {
  late_arrival: "Signed in late",
  signed_out: "Signed out",
  back_in: "Back in",
};

/** The pupil's comings and goings at reception. */
export function PupilDesk({ schoolId, pupilId }: { schoolId: number; pupilId: number }) {
  const desk = useApi<PupilDeskView>(`/api/schools/${schoolId}/pupils/${pupilId}/desk`);
  if (!desk.data) return <ErrorNotice error={desk.error} />;
  return (
    <>
      <h2>Signed in and out at reception</h2>
      <Table
        caption="Reception book entries"
        rowKey={(e) => String(e.id)}
        rows={desk.data.entries}
        empty="Never signed in late or out."
        columns={[
          { key: "when", label: "When", value: (e) => `${e.date} ${e.at}` },
          { key: "kind", label: "Entry", value: (e) => KIND[e.kind] },
          {
            key: "mark",
            label: "Mark",
            value: (e) => (e.code ? `${e.code} ${e.session} · ${e.minutesLate} min` : null),
          },
          { key: "reason", label: "Reason", value: (e) => e.reason },
          { key: "by", label: "Recorded by", value: (e) => e.recordedBy },
        ]}
      />
    </>
  );
}

/** The office uploads the pupil's photo (shown on registers); a new one replaces it. */
export function PhotoUpload({
  schoolId,
  pupilId,
  onDone,
}: {
  schoolId: number;
  pupilId: number;
  onDone: () => void;
}) {
  const [sent, setSent] = useState<number | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [done, setDone] = useState(false);
  const send = async (file: File) => {
    setError(null);
    setDone(false);
    setSent(0);
    try {
      await api.uploadFile<PhotoUploaded>(
        `/api/schools/${schoolId}/pupils/${pupilId}/photo`,
        file,
        file.type === "image/png" ? "image/png" : "image/jpeg",
        setSent,
      );
      setDone(true);
      onDone();
    } catch (e) {
      setError(e as Error);
    } finally {
      setSent(null);
    }
  };
  return (
    <div className="no-print photo-upload">
      <label>
        Photo (JPEG or PNG, at most 2 MB)
        <input
          type="file"
          accept="image/jpeg,image/png"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void send(file);
          }}
        />
      </label>
      {sent !== null && <progress max={1} value={sent} aria-label="Uploading the photo" />}
      {done && (
        <>
          <Notice tone="success">Photo saved: the registers show it.</Notice>
          <img
            className="pupil-photo"
            src={`/api/schools/${schoolId}/pupils/${pupilId}/photo?at=${Date.now()}`}
            alt="Saved for the registers"
            width={96}
            height={96}
          />
        </>
      )}
      <ErrorNotice error={error} />
    </div>
  );
}
