/**
 * The 6-digit code from an authenticator app, as sign-in and the two-factor settings ask for it:
 * a number pad on phones, and the code offered from the phone's own one-time-code autofill.
 */
export function CodeField({
  label,
  code,
  onCode,
  autoFocus = false,
}: {
  label: string;
  code: string;
  onCode: (code: string) => void;
  autoFocus?: boolean;
}) {
  return (
    <label>
      {label}
      <input
        inputMode="numeric"
        autoComplete="one-time-code"
        pattern="[0-9 ]{6,7}"
        required
        // biome-ignore lint/a11y/noAutofocus: only where the field appears in answer to the person's own step
        autoFocus={autoFocus}
        value={code}
        onChange={(e) => onCode(e.target.value)}
      />
    </label>
  );
}
