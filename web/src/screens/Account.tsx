import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { api } from "../api.ts";
import { useSession } from "../session.tsx";
import { NewPasswordFields } from "../ui/NewPasswordFields.tsx";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";
import { TwoFactorSettings } from "./TwoFactor.tsx";

/** Everyone's own account: change the password (the current one needed), sign out everywhere. */
export function Account() {
  const { user, signOutEverywhere } = useSession();
  const navigate = useNavigate();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [changed, setChanged] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setChanged(false);
    if (next !== again) {
      setError(new Error("The two new passwords differ: type the same one twice"));
      return;
    }
    setBusy(true);
    try {
      await api.post("/api/auth/password", { currentPassword: current, newPassword: next });
      setChanged(true);
      setCurrent("");
      setNext("");
      setAgain("");
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section>
      <h1>Change password</h1>
      <p>
        Signed in as <strong>{user?.email}</strong>.
      </p>
      <form onSubmit={submit} aria-label="Change password" className="login" style={{ margin: 0 }}>
        <ErrorNotice error={error} />
        {changed ? (
          <Notice tone="success">
            Password changed. You are still signed in here; everywhere else has been signed out.
          </Notice>
        ) : null}
        <input type="hidden" autoComplete="username" value={user?.email ?? ""} readOnly />
        <label>
          Current password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(e) => setCurrent(e.target.value)}
          />
        </label>
        <NewPasswordFields
          label="New password (at least 12 characters)"
          password={next}
          again={again}
          onPassword={setNext}
          onAgain={setAgain}
        />
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Change password"}
        </button>
      </form>
      <TwoFactorSettings />
      <h2>Signed in somewhere else?</h2>
      <p>Ends every session of yours, on every computer and phone, this one too.</p>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          void signOutEverywhere().then(
            () => navigate("/login"),
            (e: Error) => setError(e),
          );
        }}
      >
        Sign out everywhere
      </button>
    </section>
  );
}
