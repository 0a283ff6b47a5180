import { type FormEvent, useState } from "react";
import type { LogContactBody } from "../../../src/server/cases/cases.schema.ts";
import { api, londonClock, londonInstant, londonToday } from "../api.ts";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";

const METHODS = {
  phone: "Phone call",
  text: "Text message",
  home_visit: "Home visit",
  meeting: "Meeting",
  in_person: "In person",
  email: "Email",
  note: "Note",
} as const;

interface Props {
  schoolBase: string;
  pupilId: number;
  contacts: { id: number; name: string; relationship: string }[];
  onDone: () => void;
}

/** Logs a call, text, visit, meeting or note, against the contact actually spoken to. */
export function LogContact({ schoolBase, pupilId, contacts, onDone }: Props) {
  const [method, setMethod] = useState<keyof typeof METHODS>("phone");
  const [contactId, setContactId] = useState(String(contacts[0]?.id ?? "other"));
  const [someoneElse, setSomeoneElse] = useState("");
  const [direction, setDirection] = useState<"outgoing" | "incoming">("outgoing");
  const [date, setDate] = useState(londonToday());
  const [time, setTime] = useState(londonClock());
  const [outcome, setOutcome] = useState("");
  const [notes, setNotes] = useState("");
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const note = method === "note";
  const contact = contacts.find((c) => String(c.id) === contactId);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const withWhom = note ? "(note)" : (contact?.name ?? someoneElse.trim());
    try {
      await api.post(`${schoolBase}/pupils/${pupilId}/contact-log`, {
        happenedAt: londonInstant(date, time),
        method,
        direction: note ? "outgoing" : direction,
        contactId: note || !contact ? null : contact.id,
        withWhom,
        outcome,
        notes: notes.trim() || null,
      } satisfies LogContactBody);
      setDone(`${METHODS[method]}${note ? "" : ` with ${withWhom}`} logged.`);
      setOutcome("");
      setNotes("");
      onDone();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Log a contact" className="card">
      <h3>Log a contact</h3>
      {done && <Notice tone="success">{done}</Notice>}
      <ErrorNotice error={error} />
      <div className="row">
        <label>
          What
          <select
            value={method}
            onChange={(e) => setMethod(e.target.value as keyof typeof METHODS)}
          >
            {Object.entries(METHODS).map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        {!note && (
          <label>
            Spoken to
            <select value={contactId} onChange={(e) => setContactId(e.target.value)}>
              {contacts.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.relationship})
                </option>
              ))}
              <option value="other">Someone else</option>
            </select>
          </label>
        )}
        {!note && !contact && (
          <label>
            Their name
            <input
              required
              maxLength={200}
              value={someoneElse}
              onChange={(e) => setSomeoneElse(e.target.value)}
            />
          </label>
        )}
        {!note && (
          <label>
            Who began it
            <select
              value={direction}
              onChange={(e) => setDirection(e.target.value as "outgoing" | "incoming")}
            >
              <option value="outgoing">We did</option>
              <option value="incoming">They did</option>
            </select>
          </label>
        )}
      </div>
      <div className="row">
        <label>
          Date
          <input type="date" required value={date} onChange={(e) => setDate(e.target.value)} />
        </label>
        <label>
          Time
          <input type="time" required value={time} onChange={(e) => setTime(e.target.value)} />
        </label>
      </div>
      <label>
        {note ? "Note (a line)" : "Outcome"}
        <input
          required
          maxLength={200}
          placeholder={
            note ? "e.g. sibling's school says the same" : "e.g. spoke to mother, no answer"
          }
          value={outcome}
          onChange={(e) => setOutcome(e.target.value)}
        />
      </label>
      <label>
        Details
        <textarea rows={2} value={notes} onChange={(e) => setNotes(e.target.value)} />
      </label>
      <button type="submit">Log it</button>
    </form>
  );
}
