import {
  Fragment,
  type KeyboardEvent,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from "react";
import { Link, useParams } from "react-router";
import type {
  RegisterLoadedView,
  RegisterSavedView,
} from "../../../src/server/registers/register.schema.ts";
import { type ApiError, api, dayLabel, londonClock, londonToday } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";
import { MissedRegister } from "./MissedRegister.tsx";
import { RegisterAlerts } from "./RegisterAlerts.tsx";
import { RegisterCodePicker } from "./RegisterCodePicker.tsx";

type RegisterData = RegisterLoadedView;
type RegisterPupil = RegisterData["pupils"][number];

/**
 * A save answers the register's marks only: the alert icons, photos and code picker stay those
 * the register was opened with.
 */
function afterSave(loaded: RegisterData, saved: RegisterSavedView["register"]): RegisterData {
  const before = new Map(loaded.pupils.map((p) => [p.pupilId, p]));
  return {
    ...loaded,
    ...saved,
    picker: loaded.picker,
    pupils: saved.pupils.map((p) => ({
      alerts: before.get(p.pupilId)?.alerts ?? [],
      photo: before.get(p.pupilId)?.photo ?? false,
      ...p,
    })),
  };
}

interface Edit {
  code: string;
  minutesLate?: number | null;
  arrivedAt?: string;
}

type Status =
  | { kind: "idle" }
  | { kind: "saving" }
  | { kind: "saved"; at: string }
  | { kind: "retrying"; message: string }
  | { kind: "error"; error: Error };

const RETRY_DELAYS = [2_000, 5_000, 10_000, 30_000];

function minutesOf(clock: string): number {
  const [h, m] = clock.split(":").map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

/** Typing in a row's mark box: these keys stand for codes so a register can be marked from the keyboard. */
function codeFromKey(key: string, session: "AM" | "PM"): string | null {
  if (key === "/" || key === "\\" || key === "." || key.toLowerCase() === "p")
    return session === "AM" ? "/" : "\\";
  if (/^[a-z]$/i.test(key)) return key.toUpperCase();
  return null;
}

export function Register() {
  const params = useParams();
  const { schoolId, can } = useSession();
  // Changing a closed register is an amendment: only those who may amend marks see the form.
  const office = can("marks.amend");
  const path = schoolId
    ? `/api/schools/${schoolId}/registers/${params.groupId}/${params.date}/${params.session}`
    : null;
  const storageKey = `rollbook.register.${path}`;
  const { data, error, reload } = useApi<RegisterData>(path);
  const codes = useApi<{ codes: { symbol: string; meaning: string; category: string }[] }>(
    `/api/codes?date=${params.date}`,
  );
  const [register, setRegister] = useState<RegisterData | null>(null);
  const [edits, setEdits] = useState<Map<number, Edit>>(
    () => new Map(JSON.parse(localStorage.getItem(storageKey) ?? "[]")),
  );
  const [reason, setReason] = useState("");
  const [status, setStatus] = useState<Status>({ kind: "idle" });
  const [picking, setPicking] = useState<number | null>(null);
  const rows = useRef<(HTMLInputElement | null)[]>([]);
  const attempt = useRef(0);

  useEffect(() => {
    if (data) setRegister(data);
  }, [data]);
  useEffect(() => {
    localStorage.setItem(storageKey, JSON.stringify([...edits]));
  }, [edits, storageKey]);

  const known = useMemo(
    () => new Map((codes.data?.codes ?? []).map((c) => [c.symbol, c])),
    [codes.data],
  );

  const setMark = (pupilId: number, edit: Edit | null) => {
    setEdits((current) => {
      const next = new Map(current);
      if (edit) next.set(pupilId, edit);
      else next.delete(pupilId);
      return next;
    });
    setStatus({ kind: "idle" });
  };

  const save = useCallback(
    async (allPresent: boolean) => {
      if (!register || !path) return;
      setStatus({ kind: "saving" });
      const marks = [...edits].map(([pupilId, edit]) => ({
        pupilId,
        baseVersion: register.pupils.find((p) => p.pupilId === pupilId)?.mark?.version ?? 0,
        ...(edit.arrivedAt
          ? { arrivedAt: edit.arrivedAt }
          : {
              code: edit.code,
              ...(edit.minutesLate != null ? { minutesLate: edit.minutesLate } : {}),
            }),
      }));
      try {
        const result = await api.put<RegisterSavedView>(path, {
          marks,
          allPresent,
          ...(reason ? { reason } : {}),
        });
        setRegister(afterSave(register, result.register));
        setEdits(new Map());
        attempt.current = 0;
        setStatus({ kind: "saved", at: londonClock() });
      } catch (e) {
        const problem = e as ApiError;
        if (problem.status === 0 || problem.status === 503) {
          // A busy server says when to come back (Retry-After); a little randomness keeps every
          // tutor's browser from coming back in the same instant.
          const delay = problem.retryAfterSeconds
            ? problem.retryAfterSeconds * 1000 + Math.floor(Math.random() * 1000)
            : (RETRY_DELAYS[Math.min(attempt.current, RETRY_DELAYS.length - 1)] as number);
          attempt.current++;
          setStatus({
            kind: "retrying",
            message: `${problem.message} Trying again in ${Math.round(delay / 1000)} seconds; your marks are kept on this device.`,
          });
          setTimeout(() => void save(allPresent), delay);
          return;
        }
        if (problem.status === 409) reload();
        setStatus({ kind: "error", error: problem });
      }
    },
    [edits, path, reason, register, reload],
  );

  if (error) return <ErrorNotice error={error} />;
  if (!register) return <Loading what="the register" />;

  const opens = register.session === "AM" ? register.times.amOpens : register.times.pmOpens;
  const closes = register.session === "AM" ? register.times.amCloses : register.times.pmCloses;
  const closed = register.state === "closed";
  const readOnly = register.state === "not_open_yet" || (closed && !office);

  const onKey =
    (index: number, pupil: RegisterPupil) => (event: KeyboardEvent<HTMLInputElement>) => {
      const move = (to: number) =>
        rows.current[Math.max(0, Math.min(register.pupils.length - 1, to))]?.focus();
      if (event.key === "ArrowDown" || event.key === "Enter") {
        event.preventDefault();
        move(index + 1);
        return;
      }
      if (event.key === "ArrowUp") {
        event.preventDefault();
        move(index - 1);
        return;
      }
      if (event.key === "Backspace" || event.key === "Delete") {
        event.preventDefault();
        setMark(pupil.pupilId, null);
        return;
      }
      if (event.key.length !== 1 || event.ctrlKey || event.metaKey || readOnly) return;
      event.preventDefault();
      const existing = edits.get(pupil.pupilId)?.code ?? "";
      // Two-character codes: C1, C2, J1, Y1-Y7.
      const code =
        /^\d$/.test(event.key) && /^[CJY]$/.test(existing)
          ? existing + event.key
          : codeFromKey(event.key, register.session);
      if (!code) return;
      setMark(
        pupil.pupilId,
        code === "L" && !closed ? { code, arrivedAt: londonClock() } : { code },
      );
      if (!/^[CJY]$/.test(code)) move(index + 1);
    };

  const pickerCodes = register.picker;
  const present = register.session === "AM" ? "/" : "\\";
  const today = register.date === londonToday();
  const lateCodeFor = (minutes: number): "L" | "U" =>
    minutesOf(opens) + minutes > minutesOf(closes) ? "U" : "L";
  const suggestedMinutes = today ? Math.max(1, minutesOf(londonClock()) - minutesOf(opens)) : null;

  const shown = (pupil: RegisterPupil) => edits.get(pupil.pupilId)?.code ?? pupil.mark?.code ?? "";
  const unsaved = edits.size;
  const leftForTutor = register.pupils.filter(
    (p) => p.suggestion && !p.mark && !edits.has(p.pupilId),
  );

  return (
    <section>
      <p>
        <Link to="/registers">← All registers</Link>
      </p>
      <h1>
        {register.group.name} · {register.session} register · {dayLabel(register.date)}
      </h1>
      <p className="muted">
        Opens {opens}, closes {closes}.{" "}
        {register.state === "open"
          ? "Open now."
          : closed
            ? "Closed: changes are amendments and need a reason."
            : "Not open yet."}
        {register.taken ? ` Taken by ${register.taken.firstTakenBy}.` : ""}
      </p>
      <p className="help touch-help">
        Tap <strong>Present</strong> for each pupil here, or <strong>Other code</strong> for
        absence, lateness and every other code.
      </p>
      <p className="help keyboard-help">
        Type a code in a pupil's box: <kbd>P</kbd> or <kbd>/</kbd> present, <kbd>N</kbd> no reason
        yet, <kbd>L</kbd> late (timed now), <kbd>I</kbd> illness, <kbd>M</kbd> appointment… Arrow
        keys move between pupils; <kbd>Backspace</kbd> clears.
      </p>
      <div className="status" aria-live="polite">
        {status.kind === "saving" && <Notice>Saving…</Notice>}
        {status.kind === "saved" && <Notice tone="success">Saved at {status.at}.</Notice>}
        {status.kind === "retrying" && <Notice tone="warning">{status.message}</Notice>}
        {status.kind === "error" && <ErrorNotice error={status.error} />}
        {unsaved > 0 && status.kind !== "saving" && (
          <p className="muted">{unsaved} change(s) not saved yet.</p>
        )}
      </div>
      {closed && !office && path && <MissedRegister path={path} />}
      <table className="register">
        <caption className="visually-hidden">
          {register.group.name} {register.session} register
        </caption>
        <thead>
          <tr>
            <th scope="col">Pupil</th>
            <th scope="col">Mark</th>
            <th scope="col">Meaning</th>
            <th scope="col">Minutes late</th>
            <th scope="col">Planned</th>
          </tr>
        </thead>
        <tbody>
          {register.pupils.map((pupil, index) => {
            const code = shown(pupil);
            const edit = edits.get(pupil.pupilId);
            const late = code === "L" || code === "U";
            const open = picking === pupil.pupilId;
            return (
              <Fragment key={pupil.pupilId}>
                <tr className={edit ? "edited" : undefined}>
                  <th scope="row">
                    {pupil.photo && schoolId ? (
                      <img
                        className="initials photo"
                        src={`/api/schools/${schoolId}/pupils/${pupil.pupilId}/photo`}
                        alt=""
                        width={32}
                        height={32}
                      />
                    ) : (
                      <span className="initials" aria-hidden="true">
                        {pupil.name
                          .split(" ")
                          .map((n) => n[0])
                          .join("")}
                      </span>
                    )}
                    <Link to={`/pupils/${pupil.pupilId}`}>{pupil.name}</Link>
                    <RegisterAlerts alerts={pupil.alerts} />
                  </th>
                  <td>
                    <input
                      ref={(el) => {
                        rows.current[index] = el;
                      }}
                      className={`mark code-${known.get(code)?.category ?? "none"}`}
                      aria-label={`Mark for ${pupil.name}`}
                      value={code}
                      readOnly
                      disabled={readOnly}
                      onKeyDown={onKey(index, pupil)}
                      inputMode="none"
                      size={3}
                    />
                    <button
                      type="button"
                      className={`touch present ${code === present ? "chosen" : "secondary"}`}
                      aria-label={`Present: ${pupil.name}`}
                      aria-pressed={code === present}
                      disabled={readOnly}
                      onClick={() => {
                        setMark(pupil.pupilId, { code: present });
                        setPicking(null);
                      }}
                    >
                      Present
                    </button>
                    <button
                      type="button"
                      className="touch secondary"
                      aria-label={`Other code for ${pupil.name}`}
                      aria-expanded={open}
                      disabled={readOnly}
                      onClick={() => setPicking(open ? null : pupil.pupilId)}
                    >
                      Other code
                    </button>
                  </td>
                  <td>{known.get(code)?.meaning ?? (code ? "" : "Not marked")}</td>
                  <td>
                    {late && !edit?.arrivedAt ? (
                      <input
                        type="number"
                        min={0}
                        max={600}
                        aria-label={`Minutes late for ${pupil.name}`}
                        value={edit?.minutesLate ?? pupil.mark?.minutesLate ?? ""}
                        disabled={readOnly}
                        onChange={(e) =>
                          setMark(pupil.pupilId, {
                            code,
                            minutesLate: e.target.value === "" ? null : Number(e.target.value),
                          })
                        }
                      />
                    ) : null}
                    {late && !edit?.arrivedAt ? (
                      <span className="muted"> min late</span>
                    ) : edit?.arrivedAt ? (
                      `arrived ${edit.arrivedAt}`
                    ) : (
                      (pupil.mark?.minutesLate ?? "")
                    )}
                  </td>
                  <td>
                    {pupil.planned ? `${pupil.planned.code}: ${pupil.planned.reason}` : ""}
                    {pupil.suggestion && (
                      <div className="suggestion">
                        <p>
                          <strong>Suggested {pupil.suggestion.code}.</strong>{" "}
                          {pupil.suggestion.reason}
                        </p>
                        <button
                          type="button"
                          className="secondary"
                          aria-label={`Mark ${pupil.suggestion.code} for ${pupil.name}`}
                          disabled={readOnly || code === pupil.suggestion.code}
                          onClick={() =>
                            pupil.suggestion &&
                            setMark(pupil.pupilId, { code: pupil.suggestion.code })
                          }
                        >
                          Mark {pupil.suggestion.code}
                        </button>
                      </div>
                    )}
                  </td>
                </tr>
                {open && (
                  <tr className="picker-row">
                    <td colSpan={5}>
                      <RegisterCodePicker
                        pupilName={pupil.name}
                        codes={pickerCodes}
                        known={known}
                        suggestedMinutes={suggestedMinutes}
                        lateCodeFor={lateCodeFor}
                        onPick={(mark) => setMark(pupil.pupilId, mark)}
                        onClose={() => setPicking(null)}
                      />
                    </td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {closed && office && (
        <label>
          Reason for the changes (kept in each pupil's history)
          <input value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
      )}
      {leftForTutor.length > 0 && (
        <p className="help">
          Refused leave: {leftForTutor.map((p) => p.name).join(", ")}{" "}
          {leftForTutor.length === 1 ? "is" : "are"} not marked present by "Mark everyone else
          present"; choose their mark.
        </p>
      )}
      <div className="row actions register-actions">
        <button
          type="button"
          disabled={readOnly || status.kind === "saving"}
          onClick={() => void save(true)}
        >
          Mark everyone else present and save
        </button>
        <button
          type="button"
          className="secondary"
          disabled={readOnly || unsaved === 0 || status.kind === "saving"}
          onClick={() => void save(false)}
        >
          Save changes
        </button>
        <button type="button" className="secondary" onClick={() => window.print()}>
          Print
        </button>
      </div>
    </section>
  );
}
