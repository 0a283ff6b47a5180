/** A new password typed twice, as every screen that sets one asks for it. */
export function NewPasswordFields({
  label,
  password,
  again,
  onPassword,
  onAgain,
}: {
  label: string;
  password: string;
  again: string;
  onPassword: (value: string) => void;
  onAgain: (value: string) => void;
}) {
  return (
    <>
      <label>
        {label}
        <input
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          value={password}
          onChange={(e) => onPassword(e.target.value)}
        />
      </label>
      <label>
        New password again
        <input
          type="password"
          autoComplete="new-password"
          required
          value={again}
          onChange={(e) => onAgain(e.target.value)}
        />
      </label>
    </>
  );
}
