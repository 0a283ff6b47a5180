import { type FormEvent, useState } from "react";
import type { TwoFactorBegun } from "../../../src/server/auth/auth.schema.ts";
import type {
  TwoFactorStatusView,
  TwoFactorTurnedOn,
} from "../../../src/server/auth/two-factor.schema.ts";
import { api } from "../api.ts";
import { useSession } from "../session.tsx";
import { CodeField } from "../ui/CodeField.tsx";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";

/**
 * Two-factor sign-in with an authenticator app (Microsoft or Google Authenticator, 1Password...):
 * add the key to the app, type the code it shows to turn it on; turning it off needs the
 * password and a code.
 */
export function TwoFactorSettings({ onTurnedOn }: { onTurnedOn?: () => void } = {}) {
  const status = useApi<TwoFactorStatusView>("/api/auth/two-factor");
  // Shown once, when two-factor is turned on or the codes are renewed: never stored in the app.
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);
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
      setSetup(await api.post<TwoFactorBegun>("/api/auth/two-factor/begin"));
    });
  const confirm = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const done = await api.post<TwoFactorTurnedOn>("/api/auth/two-factor/confirm", {
        code,
      });
      setRecoveryCodes(done.recoveryCodes);
      setSetup(null);
      setCode("");
      setDone("Two-factor sign-in is on: each sign-in now asks for the code your app shows.");
      status.reload();
    });
  };
  const renew = (event: FormEvent) => {
    event.preventDefault();
    void run(async () => {
      const done = await api.post<{ recoveryCodes: string[] }>(
        "/api/auth/two-factor/recovery-codes",
        { password, code },
      );
      setRecoveryCodes(done.recoveryCodes);
      setCode("");
      setPassword("");
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
      {recoveryCodes ? (
        <section aria-labelledby="recovery-codes" className="notice notice-warning">
          <h3 id="recovery-codes">Your recovery codes</h3>
          <p>
            Write these down or print them, and keep them somewhere safe: they are shown only now.
            If you lose your phone, sign in with one in place of the app's code. Each works once.
          </p>
          <ol className="recovery-codes">
            {recoveryCodes.map((c) => (
              <li key={c}>
                <code>{c}</code>
              </li>
            ))}
          </ol>
          <button
            type="button"
            onClick={() => {
              setRecoveryCodes(null);
              onTurnedOn?.();
            }}
          >
            I have kept my recovery codes
          </button>
        </section>
      ) : null}
      {status.data?.on ? (
        <form
          onSubmit={status.data.required ? renew : turnOff}
          aria-label={
            status.data.required
              ? "New recovery codes"
              : "Turn two-factor sign-in off, or new recovery codes"
          }
          className="login"
        >
          <p>On: signing in asks for a code from your authenticator app.</p>
          <p>
            Recovery codes left: <strong>{status.data.recoveryCodesLeft}</strong> of 10.
            {status.data.required ? " Your role must use two-factor sign-in." : ""}
          </p>
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
          <div className="row">
            <button
              type={status.data.required ? "submit" : "button"}
              onClick={(e) => {
                if (!status.data?.required) renew(e);
              }}
            >
              New recovery codes
            </button>
            {status.data.required ? null : (
              <button type="submit" className="secondary">
                Turn two-factor sign-in off
              </button>
            )}
          </div>
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

/**
 * The only page for someone whose role must use two-factor sign-in and has not set it up: the
 * server refuses everything else until it is done.
 */
export function TwoFactorRequired() {
  const { user, refresh, signOut } = useSession();
  return (
    <main id="main" className="login">
      <h1>Set up two-factor sign-in</h1>
      <Notice tone="warning">
        Your school requires two-factor sign-in for your role. Set it up now, {user?.name}: you will
        need your phone's authenticator app each time you sign in with your password.
      </Notice>
      <TwoFactorSettings onTurnedOn={() => void refresh()} />
      <p>
        <button type="button" className="secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      </p>
    </main>
  );
}
