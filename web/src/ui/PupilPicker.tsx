import { useEffect, useId, useState } from "react";
import { useApi } from "./useApi.ts";

export interface PickedPupil {
  id: number;
  name: string;
  form: string | null;
}

/** Choose one pupil by name, UPN or form (the header search's API), for a form that acts on them. */
export function PupilPicker({
  schoolId,
  label,
  value,
  onChange,
}: {
  schoolId: number;
  label: string;
  value: PickedPupil | null;
  onChange: (pupil: PickedPupil | null) => void;
}) {
  const [text, setText] = useState("");
  const [settled, setSettled] = useState("");
  const id = useId();
  useEffect(() => {
    const timer = setTimeout(() => setSettled(text.trim()), 250);
    return () => clearTimeout(timer);
  }, [text]);
  const found = useApi<{ pupils: PickedPupil[] }>(
    !value && settled.length >= 2
      ? `/api/schools/${schoolId}/pupils/search?q=${encodeURIComponent(settled)}`
      : null,
  );
  if (value)
    return (
      <p className="picked">
        {label}: <strong>{value.name}</strong> {value.form ? `(${value.form})` : ""}{" "}
        <button type="button" className="secondary small" onClick={() => onChange(null)}>
          Choose someone else
        </button>
      </p>
    );
  return (
    <div className="pupil-picker">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="search"
        autoComplete="off"
        placeholder="Name, UPN or form"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      {settled.length >= 2 && settled === text.trim() && found.data && (
        <ul className="picker-results" aria-label={`Pupils matching ${settled}`}>
          {found.data.pupils.length === 0 && <li className="muted">No pupil found.</li>}
          {found.data.pupils.slice(0, 8).map((p) => (
            <li key={p.id}>
              <button
                type="button"
                className="secondary"
                onClick={() => {
                  onChange(p);
                  setText("");
                }}
              >
                {p.name} {p.form ? `(${p.form})` : ""}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
