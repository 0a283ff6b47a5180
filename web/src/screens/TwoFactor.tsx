import { type FormEvent, useState } from "react";
import { api } from "../api.ts";
import { CodeField } from "../ui/CodeField.tsx";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";

/**
 * Two-factor sign-in with an authenticator app (Microsoft or Google Authenticator, 1Password...):
 * add the key to the app, type the code it shows to turn it on; turning it off needs the
 * password and a code.
 */
export function TwoFactorSettings() {
  const status = useApi<{ on: boolean }>("/api/auth/two-factor");
  const [setup, setSetup] = useState<{ secret: string; uri: string } | null>(null);
  const [code, setCode] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<Error | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const run = async (work: () => Promise<void>) => {
    setError(null);
    setDone(null);
    try {
      await work();
    } catch (e) {
      setError(e as Error);
    }
  };
  const begin = () =>
    run(async () => {
      setSetup(await api.post<{ secret: string; uri: string }>("/api/auth/two-factor/begin"));
    });
  const confirm = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api.post("/api/auth/two-factor/confirm", { code });
      setSetup(null);
      setCode("");
      setDone("Two-factor sign-in is on: each sign-in now asks for the code your app shows.");
      status.reload();
    });
  };
  const turnOff = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      await api.post("/api/auth/two-factor/off", { password, code });
      setCode("");
      setPassword("");
      setDone("Two-factor sign-in is off.");
      status.reload();
    });
  };
  const codeField = <CodeField label="Code from the app" code={code} onCode={setCode} />;
  return (
    <section aria-labelledby="two-factor">
      <h2 id="two-factor">Two-factor sign-in</h2>
      <ErrorNotice error={error ?? status.error} />
      {done ? <Notice tone="success">{done}</Notice> : null}
      {status.data?.on ? (
        <form onSubmit={turnOff} aria-label="Turn two-factor sign-in off" className="login">
          <p>On: signing in asks for a code from your authenticator app.</p>
          <label>
            Your password
            <input
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          </label>
          {codeField}
          <button type="submit" className="secondary">
            Turn two-factor sign-in off
          </button>
        </form>
      ) : setup ? (
        <form onSubmit={confirm} aria-label="Turn two-factor sign-in on" className="login">
          <p>
            In your authenticator app, add an account with this key (or open the link on the phone
            that has the app), then type the 6-digit code it shows.
          </p>
          <p>
            Key: <code className="address">{setup.secret}</code>
          </p>
          <p>
            <a href={setup.uri}>Open in the authenticator app</a>
          </p>
          {codeField}
          <button type="submit">Turn on</button>
        </form>
      ) : status.data ? (
        <>
          <p>Off. With it on, a stolen password alone cannot sign in as you.</p>
          <button type="button" onClick={() => void begin()}>
            Set up two-factor sign-in
          </button>
        </>
      ) : null}
    </section>
  );
}
