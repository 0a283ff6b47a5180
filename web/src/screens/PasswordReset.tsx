import { type FormEvent, useEffect, useState } from "react";
import { Link } from "react-router";
import type { LinkChecked } from "../../../src/server/auth/auth.schema.ts";
import { api } from "../api.ts";
import { DemoBanner } from "../ui/Layout.tsx";
import { NewPasswordFields } from "../ui/NewPasswordFields.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";

/** "Forgotten your password?": the same answer whether or not the email has an account. */
export function ForgotPassword() {
  const [email, setEmail] = useState("");
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setSent(
        (await api.post<{ message: string }>("/api/auth/password-reset/request", { email }))
          .message,
      );
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <DemoBanner />
      <main id="main" className="login">
        <h1>Forgotten your password?</h1>
        {sent ? (
          <Notice tone="success">{sent}</Notice>
        ) : (
          <form onSubmit={submit} aria-label="Ask for a new password">
            <p>We will email you a link to choose a new password.</p>
            <ErrorNotice error={error} />
            <label>
              Email
              <input
                type="email"
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </label>
            <button type="submit" disabled={busy}>
              {busy ? "Sending…" : "Email me a link"}
            </button>
          </form>
        )}
        <p>
          <Link to="/login">Back to sign in</Link>
        </p>
      </main>
    </>
  );
}

/**
 * The page an emailed link opens. The token travels in the address's #fragment, which browsers
 * never send to a server, so it reaches no log and no Referer header.
 */
export function ResetPassword() {
  const token = new URLSearchParams(window.location.hash.slice(1)).get("token") ?? "";
  const [link, setLink] = useState<LinkChecked | null>(null);
  const [password, setPassword] = useState("");
  const [again, setAgain] = useState("");
  const [done, setDone] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (token.length < 20) {
      setLink({ valid: false, message: "This address has no password link in it." });
      return;
    }
    api
      .post<LinkChecked>("/api/auth/password-reset/check", { token })
      .then(setLink)
      .catch((e: Error) => setError(e));
  }, [token]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    if (password !== again) {
      setError(new Error("The two passwords differ: type the same one twice"));
      return;
    }
    setBusy(true);
    try {
      await api.post("/api/auth/password-reset", { token, newPassword: password });
      setDone(true);
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <DemoBanner />
      <main id="main" className="login">
        <h1>Choose a new password</h1>
        <ErrorNotice error={error} />
        {done ? (
          <Notice tone="success">
            Your new password is set, and every earlier sign-in has ended.{" "}
            <Link to="/login">Sign in</Link>
          </Notice>
        ) : !link ? (
          <Loading what="your link" />
        ) : !link.valid ? (
          <>
            <div className="notice notice-error" role="alert">
              {link.message}
            </div>
            <p>
              <Link to="/forgot-password">Ask for a new link</Link>
            </p>
          </>
        ) : (
          <form onSubmit={submit} aria-label="Choose a new password">
            <p>
              For <strong>{link.email}</strong>. At least 12 characters; a few unrelated words work
              well.
            </p>
            <input type="hidden" autoComplete="username" value={link.email} readOnly />
            <NewPasswordFields
              label="New password"
              password={password}
              again={again}
              onPassword={setPassword}
              onAgain={setAgain}
            />
            <button type="submit" disabled={busy}>
              {busy ? "Saving…" : "Set my password"}
            </button>
          </form>
        )}
      </main>
    </>
  );
}
