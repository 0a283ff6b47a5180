import { useState } from "react";

export interface CodeInfo {
  symbol: string;
  meaning: string;
  category: string;
}

export interface PickerCodes {
  /** The school's most-used codes, most used first. */
  common: string[];
  /** Every code that may be recorded on the register's date. */
  all: string[];
}

export interface PickedMark {
  code: string;
  minutesLate?: number | null;
}

interface Props {
  pupilName: string;
  codes: PickerCodes;
  known: Map<string, CodeInfo>;
  /** Minutes since the register opened, when it is being taken now: the late mark's first guess. */
  suggestedMinutes: number | null;
  /** L before the register closes, U after (the school's register-close rule). */
  lateCodeFor: (minutes: number) => "L" | "U";
  onPick: (mark: PickedMark | null) => void;
  onClose: () => void;
}

/**
 * A pupil's codes on a touch screen: the school's most-used first, every valid code one tap
 * further, and for a late mark the minutes late straight away, before the picker closes.
 */
export function RegisterCodePicker(props: Props) {
  const { pupilName, codes, known, suggestedMinutes, lateCodeFor, onPick, onClose } = props;
  const [late, setLate] = useState<string | null>(null);
  const [minutes, setMinutes] = useState<string>("");

  const choose = (symbol: string) => {
    if (symbol === "L" || symbol === "U") {
      setLate(symbol);
      setMinutes(suggestedMinutes === null ? "" : String(suggestedMinutes));
      return;
    }
    onPick({ code: symbol });
    onClose();
  };

  if (late) {
    const value = minutes === "" ? null : Number(minutes);
    const valid = value !== null && Number.isInteger(value) && value >= 0 && value <= 600;
    const code = valid ? lateCodeFor(value) : late;
    return (
      <fieldset className="code-picker">
        <legend>Late mark for {pupilName}</legend>
        <label>
          Minutes late for {pupilName}
          <input
            type="number"
            inputMode="numeric"
            min={0}
            max={600}
            value={minutes}
            // biome-ignore lint/a11y/noAutofocus: the minutes are asked for the moment a late mark is given
            autoFocus
            onChange={(e) => setMinutes(e.target.value)}
          />
        </label>
        <p className="muted" aria-live="polite">
          {valid
            ? `${code}: ${known.get(code)?.meaning ?? ""}`
            : "Enter the minutes late (0 to 600)."}
        </p>
        <div className="row">
          <button
            type="button"
            disabled={!valid}
            onClick={() => {
              onPick({ code, minutesLate: value });
              onClose();
            }}
          >
            Done
          </button>
          <button type="button" className="secondary" onClick={() => setLate(null)}>
            Back to codes
          </button>
        </div>
      </fieldset>
    );
  }

  const button = (symbol: string, first = false) => (
    <button
      key={symbol}
      type="button"
      className={`secondary code-choice code-${known.get(symbol)?.category ?? "none"}`}
      // biome-ignore lint/a11y/noAutofocus: the picker opens where the tutor tapped; focus follows for screen readers
      autoFocus={first}
      onClick={() => choose(symbol)}
    >
      <strong>{symbol}</strong> {known.get(symbol)?.meaning ?? ""}
    </button>
  );
  const rest = codes.all.filter((s) => !codes.common.includes(s));
  return (
    <fieldset className="code-picker">
      <legend>Codes for {pupilName}</legend>
      <div className="code-choices">{codes.common.map((s, i) => button(s, i === 0))}</div>
      <details>
        <summary>All codes ({codes.all.length})</summary>
        <div className="code-choices">{rest.map((s) => button(s))}</div>
      </details>
      <div className="row">
        <button
          type="button"
          className="secondary"
          onClick={() => {
            onPick(null);
            onClose();
          }}
        >
          Undo change
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          Close
        </button>
      </div>
    </fieldset>
  );
}
