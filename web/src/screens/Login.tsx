import { type FormEvent, useState } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";
import type { SignInProviderList } from "../../../src/server/auth/single-sign-on.schema.ts";
import { ApiError } from "../api.ts";
import { useSession } from "../session.tsx";
import { CodeField } from "../ui/CodeField.tsx";
import { DemoBanner } from "../ui/Layout.tsx";
import { ErrorNotice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";

/** Why the school's provider sign-in was refused (the server sends only the reason's name). */
const SSO_REFUSALS: Record<string, string> = {
  unknown_email:
    "There is no Rollbook account for the email address your school's sign-in gave. Ask the school's Rollbook administrator to create one; nobody is given an account automatically.",
  disabled: "Your Rollbook account is disabled. Ask the school's Rollbook administrator.",
  not_staff: "Single sign-on is for staff. Parents sign in with their email and password.",
  domain_not_allowed:
    "That account's email address is not one this school signs in with. Sign in with your school account.",
  email_not_verified:
    "Your school's sign-in did not confirm your email address, so Rollbook cannot tell which account is yours. Ask the school's IT administrator.",
  failed: "Signing in with your school account did not finish. Try again.",
};

export function Login() {
  const { signIn, user, deployment } = useSession();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  // The password was right and the account asks for a code from an authenticator app.
  const [askCode, setAskCode] = useState(false);
  // A recovery code typed in place of the app's (the phone is lost).
  const [recovery, setRecovery] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  const [search] = useSearchParams();
  const refused = search.get("sso");
  const providers = useApi<SignInProviderList>("/api/auth/sso/providers").data?.providers ?? [];
  if (user) return <Navigate to="/" replace />;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    try {
      await signIn(email, password, askCode ? code : undefined);
      navigate("/");
    } catch (e) {
      const needsCode =
        e instanceof ApiError &&
        (e.details as { secondFactor?: string } | undefined)?.secondFactor === "required";
      // The first time the code is asked for, the form says so itself; only a wrong code is an error.
      if (needsCode && !askCode) {
        setAskCode(true);
        setError(null);
      } else setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <DemoBanner />
      <main id="main" className="login">
        <h1>Rollbook</h1>
        <p className="muted">School attendance</p>
        {refused ? (
          <div className="notice notice-error" role="alert">
            {SSO_REFUSALS[refused] ?? SSO_REFUSALS.failed}
          </div>
        ) : null}
        {providers.length > 0 ? (
          <section aria-label="Staff sign-in with your school account">
            {providers.map((p) => (
              // A full page visit: the browser goes to the provider and comes back to the server.
              <a key={p.id} className="button" href={`/api/auth/sso/${p.id}/start`}>
                Sign in with {p.name}
              </a>
            ))}
            <p className="muted">Parents, and staff without a school account: sign in below.</p>
          </section>
        ) : null}
        <form onSubmit={submit} aria-label="Sign in">
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
          <label>
            Password
            <input
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          {askCode && !recovery ? (
            <>
              <CodeField
                label="Code from your authenticator app"
                code={code}
                onCode={setCode}
                autoFocus
              />
              <button
                type="button"
                className="link"
                onClick={() => {
                  setRecovery(true);
                  setCode("");
                }}
              >
                Lost your phone? Use a recovery code
              </button>
            </>
          ) : null}
          {askCode && recovery ? (
            <label>
              Recovery code (each works once)
              <input
                autoComplete="off"
                autoCapitalize="characters"
                spellCheck={false}
                required
                // biome-ignore lint/a11y/noAutofocus: the field appears in answer to the person's own step
                autoFocus
                value={code}
                onChange={(e) => setCode(e.target.value)}
              />
            </label>
          ) : null}
          <button type="submit" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
        <p>
          <Link to="/forgot-password">Forgotten your password?</Link>
        </p>
        {deployment?.demo && deployment.demoAccounts.length > 0 ? (
          <section aria-labelledby="demo-accounts">
            <h2 id="demo-accounts">Demo accounts</h2>
            <p>
              Every demo account has the password <code>{deployment.demoPassword}</code>.
            </p>
            <ul>
              {deployment.demoAccounts.map((a) => (
                <li key={a.email}>
                  <button
                    type="button"
                    className="secondary"
                    onClick={() => {
                      setEmail(a.email);
                      setPassword(deployment.demoPassword ?? "");
                    }}
                  >
                    Use {a.email}
                  </button>{" "}
                  ({a.label}
                  {a.school ? `, ${a.school}` : ""}, {a.name})
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </main>
    </>
  );
}
