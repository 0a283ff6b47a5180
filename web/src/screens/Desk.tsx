import { useState } from "react";
import type {
  DeskBook,
  SignInBody,
  Signing,
  SignOutBody,
} from "../../../src/server/desk/desk.schema.ts";
import { api, dayLabel } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { pupilNameColumn } from "../ui/PupilColumn.tsx";
import { type PickedPupil, PupilPicker } from "../ui/PupilPicker.tsx";
import { Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";

const KIND_LABEL: Record<Signing["kind"], string> = {
  late_arrival: "Signed in late",
  signed_out: "Signed out",
  back_in: "Back in",
};

/** One desk form: a pupil, an optional time (default now), a reason, one button. */
function DeskForm({
  schoolId,
  title,
  action,
  reasonLabel,
  reasonRequired,
  onDone,
}: {
  schoolId: number;
  title: string;
  action: string;
  reasonLabel: string;
  reasonRequired: boolean;
  onDone: (pupil: PickedPupil, signing: Signing) => void;
}) {
  const [pupil, setPupil] = useState<PickedPupil | null>(null);
  const [at, setAt] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const late = action === "Sign in late";
  const submit = async () => {
    if (!pupil) return;
    setError(null);
    try {
      const body: SignInBody | SignOutBody = {
        pupilId: pupil.id,
        ...(at ? { at } : {}),
        reason,
      };
      const signing = await api.post<Signing>(
        `/api/schools/${schoolId}/desk/${late ? "late-arrivals" : "sign-outs"}`,
        body,
      );
      onDone(pupil, signing);
      setPupil(null);
      setAt("");
      setReason("");
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form
      className="card desk-form no-print"
      aria-label={title}
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <h2>{title}</h2>
      <PupilPicker schoolId={schoolId} label="Pupil" value={pupil} onChange={setPupil} />
      <label>
        Time (leave empty for now)
        <input type="time" value={at} onChange={(e) => setAt(e.target.value)} />
      </label>
      <label>
        {reasonLabel}
        <input
          value={reason}
          required={reasonRequired}
          onChange={(e) => setReason(e.target.value)}
        />
      </label>
      <ErrorNotice error={error} />
      <button type="submit" disabled={!pupil}>
        {action}
      </button>
    </form>
  );
}

/** Reception: late arrivals signed in, early leavers out and back, and the day's book to print. */
export function Desk() {
  const { schoolId, can } = useSession();
  const book = useApi<DeskBook>(schoolId ? `/api/schools/${schoolId}/desk/book` : null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  if (!schoolId) return null;
  const done = (pupil: PickedPupil, s: Signing) => {
    setMessage(
      s.kind === "late_arrival"
        ? `${pupil.name} signed in at ${s.at}: ${s.code} (${s.minutesLate} minutes late) in the ${s.session} register.`
        : `${pupil.name} signed out at ${s.at}.`,
    );
    book.reload();
  };
  const backIn = async (pupilId: number, name: string) => {
    setError(null);
    try {
      const s = await api.post<Signing>(`/api/schools/${schoolId}/desk/back-in`, { pupilId });
      setMessage(`${name} back in at ${s.at}.`);
      book.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  const entries = book.data?.entries ?? [];
  // Out and not yet back: the last entry of the day for that pupil is a sign-out.
  const lastOf = new Map(entries.map((e) => [e.pupilId, e.id]));
  const mayRecord = can("marks.amend");
  return (
    <section>
      <div className="row">
        <h1>Reception{book.data ? `: ${dayLabel(book.data.date)}` : ""}</h1>
        <button type="button" className="secondary" onClick={() => window.print()}>
          Print the book
        </button>
      </div>
      {message && <Notice tone="success">{message}</Notice>}
      <ErrorNotice error={error ?? book.error} />
      {mayRecord && (
        <div className="desk-forms">
          <DeskForm
            schoolId={schoolId}
            title="Late arrival"
            action="Sign in late"
            reasonLabel="Reason given (optional)"
            reasonRequired={false}
            onDone={done}
          />
          <DeskForm
            schoolId={schoolId}
            title="Leaving early"
            action="Sign out"
            reasonLabel="Reason for leaving"
            reasonRequired
            onDone={done}
          />
        </div>
      )}
      <h2>The day's book</h2>
      {!book.data ? (
        <Loading what="the book" />
      ) : (
        <Table
          caption="Signed in and out today"
          rowKey={(e) => String(e.id)}
          rows={entries}
          columns={[
            { key: "at", label: "Time", value: (e) => e.at },
            pupilNameColumn(),
            { key: "group", label: "Form", value: (e) => e.group },
            { key: "kind", label: "Entry", value: (e) => KIND_LABEL[e.kind] },
            {
              key: "mark",
              label: "Mark",
              value: (e) => (e.code ? `${e.code} ${e.session} · ${e.minutesLate} min` : null),
            },
            { key: "reason", label: "Reason", value: (e) => e.reason },
            { key: "by", label: "Recorded by", value: (e) => e.recordedBy },
            {
              key: "act",
              label: "Action",
              value: () => null,
              render: (e) =>
                mayRecord && e.kind === "signed_out" && lastOf.get(e.pupilId) === e.id ? (
                  <button
                    type="button"
                    className="secondary small"
                    onClick={() => void backIn(e.pupilId, e.name)}
                  >
                    Sign {e.name} back in
                  </button>
                ) : null,
            },
          ]}
        />
      )}
    </section>
  );
}
