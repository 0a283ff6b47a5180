import { type FormEvent, useState } from "react";
import { Link, Navigate, useNavigate } from "react-router";
import { ApiError } from "../api.ts";
import { useSession } from "../session.tsx";
import { CodeField } from "../ui/CodeField.tsx";
import { DemoBanner } from "../ui/Layout.tsx";
import { ErrorNotice } from "../ui/Notice.tsx";

export function Login() {
  const { signIn, user, deployment } = useSession();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [code, setCode] = useState("");
  // The password was right and the account asks for a code from an authenticator app.
  const [askCode, setAskCode] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
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
          {askCode ? (
            <CodeField
              label="Code from your authenticator app"
              code={code}
              onCode={setCode}
              autoFocus
            />
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
