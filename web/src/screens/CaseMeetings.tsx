import { type FormEvent, useState } from "react";
import type {
  FamilyContact,
  CaseMeetingView as Meeting,
  MeetingRules,
} from "../../../src/server/cases/cases.schema.ts";
import type {
  Invitee,
  RecordedMeetingResponse,
  ScheduledMeetingResponse,
} from "../../../src/server/cases/meetings.schema.ts";
import { api, dayLabel, londonInstant } from "../api.ts";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";

interface Props {
  schoolBase: string;
  caseBase: string;
  open: boolean;
  pupilName: string;
  meetings: Meeting[];
  contacts: FamilyContact[];
  letters: { letterId: string; title: string }[];
  rules: MeetingRules;
  onChange: () => void;
}

const KINDS = {
  attendance_contract_meeting: "Attendance contract meeting",
  isap: "Internal School Attendance Panel",
  review_meeting: "Review meeting",
  professionals_meeting: "Professionals' meeting",
} as const;
const kindName = (kind: string) => KINDS[kind as keyof typeof KINDS] ?? kind.replaceAll("_", " ");
const FORMATS = { in_person: "In person", telephone: "Telephone", online: "Online" } as const;
const ROLE_NAMES: Record<Invitee["role"], string> = {
  parent: "parent",
  pupil: "pupil",
  attendance_lead: "attendance lead",
  ewo: "EWO / ASO",
  professional: "professional",
};

const when = (iso: string) =>
  new Date(iso).toLocaleString("en-GB", {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: "Europe/London",
  });

/** "Ms Reed, School nursing" a line: other professionals as invitees. */
const professionals = (text: string): Invitee[] =>
  text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((line) => {
      const [name, ...organisation] = line.split(",");
      return {
        name: (name ?? "").trim(),
        role: "professional" as const,
        organisation: organisation.join(",").trim() || null,
      };
    });

/** The letter written with a meeting, to download at once. */
function LetterLink({ schoolBase, letters }: { schoolBase: string; letters: Written }) {
  if (!letters) return null;
  return (
    <>
      {" "}
      {letters.letters.length > 0 ? (
        <a href={`${schoolBase}/letter-batches/${letters.batchId}/pdf`}>
          Download the invitation letter (PDF)
        </a>
      ) : (
        "No letter was written."
      )}
      {letters.skipped.map((s) => (
        <span key={s.pupilId}> Not written: {s.reason}.</span>
      ))}
    </>
  );
}
type Written = ScheduledMeetingResponse["letters"];

function ScheduleMeeting({
  caseBase,
  pupilName,
  meetings,
  contacts,
  letters,
  rules,
  onDone,
}: Omit<Props, "open" | "onChange" | "schoolBase"> & {
  onDone: (message: string, letters: Written) => void;
}) {
  const [kind, setKind] = useState<string>("attendance_contract_meeting");
  const [date, setDate] = useState("");
  const [time, setTime] = useState("");
  const [format, setFormat] = useState("in_person");
  const [place, setPlace] = useState("");
  const parents = contacts.filter((c) => c.parentalResponsibility);
  const [invitedParents, setInvitedParents] = useState<number[]>(parents.map((c) => c.id));
  const [pupil, setPupil] = useState(true);
  const [lead, setLead] = useState("");
  const [ewo, setEwo] = useState("");
  const [others, setOthers] = useState("");
  const [chosenLetter, setLetterId] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const professionalsMeeting = kind === "professionals_meeting";
  const ofKind = meetings.filter((m) => m.kind === kind);
  const missed = ofKind.filter((m) => m.status === "failed_to_attend").length;
  // After a missed meeting the policy's letters have a second invitation: offer it first.
  const second = (l: { title: string }) => /second/i.test(l.title);
  const letterId =
    chosenLetter ??
    (letters.find((l) => (missed > 0 ? second(l) : !second(l))) ?? letters[0])?.letterId ??
    "";
  const pending = ofKind.find((m) => m.status === "invited");
  const tooManyMissed = !professionalsMeeting && missed >= rules.missedBeforeProfessionalsMeeting;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const invitees: Invitee[] = [
      ...parents
        .filter((c) => invitedParents.includes(c.id))
        .map((c) => ({ name: c.name, role: "parent" as const, contactId: c.id })),
      ...(pupil ? [{ name: pupilName, role: "pupil" as const }] : []),
      ...(lead.trim() ? [{ name: lead.trim(), role: "attendance_lead" as const }] : []),
      ...(ewo.trim() ? [{ name: ewo.trim(), role: "ewo" as const }] : []),
      ...professionals(others),
    ];
    try {
      const scheduled = await api.post<ScheduledMeetingResponse>(`${caseBase}/meetings`, {
        kind,
        scheduledFor: londonInstant(date, time),
        format,
        location: place.trim() || null,
        invitees,
        letterId: professionalsMeeting || !letterId ? null : letterId,
      });
      onDone(
        `${kindName(kind)} arranged for ${dayLabel(date)} at ${time}${scheduled.invitation > 1 ? ` (invitation ${scheduled.invitation})` : ""}.`,
        scheduled.letters,
      );
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Schedule a meeting" className="card">
      <h3>Schedule a meeting</h3>
      <ErrorNotice error={error} />
      {!professionalsMeeting && (
        <p className="muted">
          The policy asks for {rules.noticeDays} days' notice: the earliest date is{" "}
          {dayLabel(rules.earliestDay)}.
          {missed === 1 && " The family missed the last one: this is the second invitation."}
        </p>
      )}
      {tooManyMissed && (
        <Notice tone="warning">
          The family has missed {missed} {kindName(kind).toLowerCase()}s: hold a professionals'
          meeting instead of inviting them again.
        </Notice>
      )}
      {pending && (
        <Notice tone="warning">
          A {kindName(kind).toLowerCase()} is already arranged for {when(pending.scheduled_for)}:
          record how it went first.
        </Notice>
      )}
      <label>
        Meeting
        <select value={kind} onChange={(e) => setKind(e.target.value)}>
          {Object.entries(KINDS).map(([id, name]) => (
            <option key={id} value={id}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <div className="row">
        <label>
          Date
          <input
            type="date"
            required
            min={professionalsMeeting ? undefined : rules.earliestDay}
            value={date}
            onChange={(e) => setDate(e.target.value)}
          />
        </label>
        <label>
          Time
          <input type="time" required value={time} onChange={(e) => setTime(e.target.value)} />
        </label>
        <label>
          Format
          <select value={format} onChange={(e) => setFormat(e.target.value)}>
            {Object.entries(FORMATS).map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label>
        Place (or how to join)
        <input
          value={place}
          maxLength={200}
          placeholder="e.g. the inclusion room"
          onChange={(e) => setPlace(e.target.value)}
        />
      </label>
      <fieldset className="toggles">
        <legend>Who is invited</legend>
        {parents.length === 0 && (
          <p className="muted">No contact has parental responsibility: add one on the profile.</p>
        )}
        {parents.map((c) => (
          <label key={c.id} className="inline">
            <input
              type="checkbox"
              checked={invitedParents.includes(c.id)}
              onChange={(e) =>
                setInvitedParents((was) =>
                  e.target.checked ? [...was, c.id] : was.filter((id) => id !== c.id),
                )
              }
            />
            {c.name} ({c.relationship})
          </label>
        ))}
        <label className="inline">
          <input type="checkbox" checked={pupil} onChange={(e) => setPupil(e.target.checked)} />
          {pupilName} (pupil)
        </label>
        <label>
          Attendance lead
          <input value={lead} maxLength={200} onChange={(e) => setLead(e.target.value)} />
        </label>
        <label>
          EWO / ASO
          <input value={ewo} maxLength={200} onChange={(e) => setEwo(e.target.value)} />
        </label>
        <label>
          Other professionals (name, service: one a line)
          <textarea rows={2} value={others} onChange={(e) => setOthers(e.target.value)} />
        </label>
      </fieldset>
      {!professionalsMeeting && (
        <label>
          Invitation letter
          <select value={letterId} onChange={(e) => setLetterId(e.target.value)}>
            <option value="">No letter now</option>
            {letters.map((l) => (
              <option key={l.letterId} value={l.letterId}>
                {l.title}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="submit" disabled={tooManyMissed || Boolean(pending)}>
        {professionalsMeeting || !letterId ? "Schedule" : "Schedule and write the letter"}
      </button>
    </form>
  );
}

function RecordOutcome({
  schoolBase,
  meeting,
  letters,
  onDone,
}: {
  schoolBase: string;
  meeting: Meeting;
  letters: { letterId: string; title: string }[];
  onDone: (message: string, letters: Written) => void;
}) {
  const [status, setStatus] = useState("held");
  const [came, setCame] = useState<string[]>(meeting.attendees.map((a) => a.name));
  const [alsoCame, setAlsoCame] = useState("");
  const [notes, setNotes] = useState("");
  const [agreed, setAgreed] = useState("");
  const [date, setDate] = useState("");
  const [time, setTime] = useState("");
  const [letterId, setLetterId] = useState(letters[0]?.letterId ?? "");
  const [error, setError] = useState<Error | null>(null);
  const name = kindName(meeting.kind);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const attended: Invitee[] = [
      ...meeting.attendees.filter((a) => came.includes(a.name)),
      ...professionals(alsoCame),
    ];
    try {
      const recorded = await api.post<RecordedMeetingResponse>(
        `${schoolBase}/meetings/${meeting.id}/record`,
        {
          status,
          notes: notes.trim() || null,
          ...(status === "held" ? { attended, agreed: agreed.trim() || null } : {}),
          ...(status === "rescheduled"
            ? { rescheduledFor: londonInstant(date, time), letterId: letterId || null }
            : {}),
        },
      );
      onDone(
        status === "held"
          ? `${name} recorded as held.`
          : status === "rescheduled"
            ? `${name} moved to ${dayLabel(date)} at ${time}.`
            : `${name} recorded. ${recorded.nextStep ?? ""}`.trim(),
        recorded.letters ?? null,
      );
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form
      onSubmit={(e) => void submit(e)}
      aria-label={`Record the ${name.toLowerCase()} on ${when(meeting.scheduled_for)}`}
      className="card"
    >
      <ErrorNotice error={error} />
      <fieldset className="toggles">
        <legend>How did it go?</legend>
        {(
          [
            ["held", "Held"],
            ["failed_to_attend", "Parent did not attend"],
            ["rescheduled", "Rescheduled at the parent's request"],
            ["cancelled", "Cancelled"],
          ] as const
        ).map(([value, label]) => (
          <label key={value} className="inline">
            <input
              type="radio"
              name={`outcome-${meeting.id}`}
              value={value}
              checked={status === value}
              onChange={() => setStatus(value)}
            />
            {label}
          </label>
        ))}
      </fieldset>
      {status === "held" && (
        <>
          <fieldset className="toggles">
            <legend>Who came</legend>
            {meeting.attendees.map((a) => (
              <label key={`${a.role}:${a.name}:${a.contactId ?? ""}`} className="inline">
                <input
                  type="checkbox"
                  checked={came.includes(a.name)}
                  onChange={(e) =>
                    setCame((was) =>
                      e.target.checked ? [...was, a.name] : was.filter((n) => n !== a.name),
                    )
                  }
                />
                {a.name} ({ROLE_NAMES[a.role]})
              </label>
            ))}
            <label>
              Also came (name, service: one a line)
              <textarea rows={2} value={alsoCame} onChange={(e) => setAlsoCame(e.target.value)} />
            </label>
          </fieldset>
          <label>
            What was agreed
            <textarea rows={2} value={agreed} onChange={(e) => setAgreed(e.target.value)} />
          </label>
        </>
      )}
      {status === "rescheduled" && (
        <div className="row">
          <label>
            New date
            <input type="date" required value={date} onChange={(e) => setDate(e.target.value)} />
          </label>
          <label>
            New time
            <input type="time" required value={time} onChange={(e) => setTime(e.target.value)} />
          </label>
          <label>
            Letter for the new time
            <select value={letterId} onChange={(e) => setLetterId(e.target.value)}>
              <option value="">No letter</option>
              {letters.map((l) => (
                <option key={l.letterId} value={l.letterId}>
                  {l.title}
                </option>
              ))}
            </select>
          </label>
        </div>
      )}
      <label>
        Notes
        <textarea rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </label>
      <button type="submit">Record the outcome</button>
    </form>
  );
}

/** The case's meetings: arrange one (with its letter), then record how each went. */
export function CaseMeetings(props: Props) {
  const { schoolBase, meetings, open, letters, onChange } = props;
  const [done, setDone] = useState<{ message: string; letters: Written } | null>(null);
  const finished = (message: string, written: Written) => {
    setDone({ message, letters: written });
    onChange();
  };
  return (
    <section aria-labelledby="meetings-heading">
      <h2 id="meetings-heading">Meetings</h2>
      {done && (
        <Notice tone="success">
          {done.message}
          <LetterLink schoolBase={schoolBase} letters={done.letters} />
        </Notice>
      )}
      {meetings.length === 0 ? (
        <p>No meetings yet.</p>
      ) : (
        <ul className="meetings">
          {meetings.map((m) => (
            <li key={m.id}>
              <strong>
                {when(m.scheduled_for)}: {kindName(m.kind)}
              </strong>{" "}
              ({FORMATS[m.format as keyof typeof FORMATS] ?? m.format}
              {m.location ? `, ${m.location}` : ""}
              {m.invitation > 1 ? `, invitation ${m.invitation}` : ""}) ·{" "}
              {m.status.replaceAll("_", " ")}
              {m.outcome ? `: ${m.outcome}` : ""}
              {m.status === "invited" && !m.letter_sent && m.kind !== "professionals_meeting" && (
                <span className="muted"> · invitation letter not written yet</span>
              )}
              {m.attendees.length > 0 && (
                <div className="muted">
                  Invited: {m.attendees.map((a) => `${a.name} (${ROLE_NAMES[a.role]})`).join(", ")}
                </div>
              )}
              {m.attended && (
                <div>
                  Came: {m.attended.map((a) => a.name).join(", ")}
                  {m.agreed ? `. Agreed: ${m.agreed}` : ""}
                </div>
              )}
              {open && m.status === "invited" && (
                <RecordOutcome
                  schoolBase={schoolBase}
                  meeting={m}
                  letters={letters}
                  onDone={finished}
                />
              )}
            </li>
          ))}
        </ul>
      )}
      {open && <ScheduleMeeting {...props} onDone={finished} />}
    </section>
  );
}
