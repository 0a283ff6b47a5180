import { useState } from "react";
import { Link, useParams } from "react-router";
import { count } from "../../../src/domain/plural.ts";
import type {
  LessonMarksBody,
  LessonRegisterView,
  LessonSaved,
  LessonsView,
  TimetableImported,
} from "../../../src/server/lessons/lessons.schema.ts";
import { api, dayLabel } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";

/** The office loads the timetable exported from the MIS (docs/formats.md: Timetable). */
function TimetableImport({ schoolId, onDone }: { schoolId: number; onDone: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [sent, setSent] = useState<number | null>(null);
  const [result, setResult] = useState<TimetableImported | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const send = async () => {
    if (!file) return;
    setError(null);
    setResult(null);
    setSent(0);
    try {
      setResult(
        await api.uploadCsv<TimetableImported>(`/api/schools/${schoolId}/timetable`, file, setSent),
      );
      onDone();
    } catch (e) {
      setError(e as Error);
    } finally {
      setSent(null);
    }
  };
  return (
    <details className="no-print">
      <summary>Import the timetable (CSV)</summary>
      <p className="help">
        One row per pupil in a lesson: class, subject, day, period, starts, ends, teacher_email,
        upn. A class's rows replace its teachers, pupils and times.
      </p>
      <label>
        Timetable file
        <input
          type="file"
          accept=".csv,text/csv"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </label>
      <button type="button" disabled={!file || sent !== null} onClick={() => void send()}>
        Import
      </button>
      {sent !== null && (
        <label>
          Sending the file
          <progress max={1} value={sent} />
        </label>
      )}
      <ErrorNotice error={error} />
      {result && (
        <Notice tone="success">
          Imported {count(result.classes, "class")}, {count(result.periods, "period")},{" "}
          {count(result.lessons, "lesson")} a week and {count(result.places, "place")} in classes.
        </Notice>
      )}
    </details>
  );
}

/** Today's lessons: a teacher's own, every lesson for the office. */
export function Lessons() {
  const { schoolId, can } = useSession();
  const lessons = useApi<LessonsView>(schoolId ? `/api/schools/${schoolId}/lessons` : null);
  if (!schoolId) return null;
  return (
    <section>
      <h1>Lessons{lessons.data ? `: ${dayLabel(lessons.data.date)}` : ""}</h1>
      <p className="help">
        Lesson registers show who is in each lesson. The morning and afternoon registers stay the
        register of record; a pupil in at registration and marked absent from a lesson is shown to
        the attendance office at once.
      </p>
      {can("pupils.manage") && <TimetableImport schoolId={schoolId} onDone={lessons.reload} />}
      <ErrorNotice error={lessons.error} />
      {!lessons.data ? (
        <Loading what="lessons" />
      ) : lessons.data.lessons.length === 0 ? (
        <p>No lessons on the timetable today.</p>
      ) : (
        <ul className="cards">
          {lessons.data.lessons.map((l) => (
            <li key={`${l.classId}-${l.periodId}`} className="card">
              <h2>
                <Link to={`/lessons/${l.classId}/${lessons.data?.date}/${l.periodId}`}>
                  {l.period} {l.class}
                </Link>
              </h2>
              <p>
                {l.subject}, {l.starts} to {l.ends} · {l.marked} of {l.pupils} marked
              </p>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type Mark = "present" | "absent" | "late";
interface Edit {
  mark: Mark;
  minutesLate: number | null;
}

/** One lesson's register: present, absent or late for each pupil, by tap or click. */
export function LessonRegister() {
  const { schoolId } = useSession();
  const { classId, date, periodId } = useParams();
  const path = schoolId ? `/api/schools/${schoolId}/lessons/${classId}/${date}/${periodId}` : null;
  const register = useApi<LessonRegisterView>(path);
  const [edits, setEdits] = useState(new Map<number, Edit>());
  const [saved, setSaved] = useState<LessonSaved | null>(null);
  const [error, setError] = useState<Error | null>(null);
  if (!path) return null;
  if (!register.data)
    return register.error ? <ErrorNotice error={register.error} /> : <Loading what="the lesson" />;
  const { lesson, pupils, mayMark } = register.data;
  const current = (p: (typeof pupils)[number]): Edit | null =>
    edits.get(p.pupilId) ?? (p.mark ? { mark: p.mark, minutesLate: p.minutesLate } : null);
  const set = (pupilId: number, edit: Edit) => setEdits(new Map(edits).set(pupilId, edit));
  const save = async (everyoneElsePresent: boolean) => {
    setError(null);
    const marks: LessonMarksBody["marks"] = pupils.flatMap((p) => {
      const edit =
        current(p) ?? (everyoneElsePresent ? { mark: "present", minutesLate: null } : null);
      return edit ? [{ pupilId: p.pupilId, mark: edit.mark, minutesLate: edit.minutesLate }] : [];
    });
    try {
      setSaved(await api.put<LessonSaved>(path, { marks }));
      setEdits(new Map());
      register.reload();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <section>
      <p>
        <Link to="/lessons">← All lessons</Link>
      </p>
      <h1>
        {lesson.period} {lesson.class} · {lesson.subject} · {dayLabel(register.data.date)}
      </h1>
      <p className="muted">
        {lesson.starts} to {lesson.ends}. Registration ({lesson.session}) is shown beside each
        pupil.
      </p>
      <div aria-live="polite">
        {saved && (
          <Notice tone="success">
            Saved: {saved.saved} mark(s) recorded, {saved.unchanged} unchanged.
          </Notice>
        )}
        <ErrorNotice error={error} />
      </div>
      <ul className="lesson-list">
        {pupils.map((p) => {
          const edit = current(p);
          const choose = (mark: Mark) =>
            set(p.pupilId, {
              mark,
              minutesLate: mark === "late" ? (edit?.minutesLate ?? 5) : null,
            });
          return (
            <li key={p.pupilId}>
              <span className="lesson-pupil">
                <Link to={`/pupils/${p.pupilId}`}>{p.name}</Link>{" "}
                <span className="muted">
                  {p.group} · registration {p.registration ?? "not taken"}
                </span>
              </span>
              <fieldset className="row lesson-marks">
                <legend className="visually-hidden">Lesson mark for {p.name}</legend>
                {(["present", "absent", "late"] as const).map((mark) => (
                  <button
                    key={mark}
                    type="button"
                    className={edit?.mark === mark ? "" : "secondary"}
                    aria-pressed={edit?.mark === mark}
                    disabled={!mayMark}
                    onClick={() => choose(mark)}
                  >
                    {mark === "present" ? "Present" : mark === "absent" ? "Absent" : "Late"}
                  </button>
                ))}
                {edit?.mark === "late" && (
                  <label>
                    Minutes late for {p.name}
                    <input
                      type="number"
                      min={1}
                      max={300}
                      value={edit.minutesLate ?? ""}
                      onChange={(e) =>
                        set(p.pupilId, {
                          mark: "late",
                          minutesLate: Number(e.target.value) || null,
                        })
                      }
                    />
                  </label>
                )}
              </fieldset>
            </li>
          );
        })}
      </ul>
      {mayMark && (
        <div className="row actions">
          <button type="button" onClick={() => void save(true)}>
            Mark everyone else present and save
          </button>
          <button
            type="button"
            className="secondary"
            disabled={edits.size === 0}
            onClick={() => void save(false)}
          >
            Save changes
          </button>
        </div>
      )}
    </section>
  );
}
