import { type FormEvent, useEffect, useState } from "react";
import type {
  IdentityProviderBody,
  IdentityProviderView,
} from "../../../src/server/auth/single-sign-on.schema.ts";
import type { TwoFactorRules } from "../../../src/server/auth/two-factor-rules.schema.ts";
import { api } from "../api.ts";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";

const STAFF_ROLES: [TwoFactorRules["requiredFor"][number], string][] = [
  ["teacher", "Teachers"],
  ["attendance_officer", "Attendance officers"],
  ["head_of_school", "Heads of school"],
  ["dsl", "Designated safeguarding leads"],
  ["trust_officer", "Trust attendance leads"],
  ["la_officer", "Local authority officers"],
  ["admin", "Administrators"],
];

/** Administrators: which roles must use two-factor sign-in, and the single sign-on providers. */
export function SignInSettings() {
  const rules = useApi<TwoFactorRules>("/api/auth/two-factor-rules");
  const providers = useApi<{ providers: IdentityProviderView[] }>(
    "/api/auth/sso/identity-providers",
  );
  const [chosen, setChosen] = useState<TwoFactorRules["requiredFor"]>([]);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  useEffect(() => {
    if (rules.data) setChosen(rules.data.requiredFor);
  }, [rules.data]);
  const save = async () => {
    setError(null);
    setSaved(false);
    try {
      await api.put("/api/auth/two-factor-rules", { requiredFor: chosen });
      setSaved(true);
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <section aria-labelledby="sign-in-settings">
      <h2 id="sign-in-settings">Sign-in rules</h2>
      <ErrorNotice error={error ?? rules.error} />
      {saved ? <Notice tone="success">Saved: it applies from their next page.</Notice> : null}
      <fieldset>
        <legend>Two-factor sign-in is required of</legend>
        {STAFF_ROLES.map(([role, label]) => (
          <label key={role} className="inline">
            <input
              type="checkbox"
              checked={chosen.includes(role)}
              onChange={() =>
                setChosen(
                  chosen.includes(role) ? chosen.filter((r) => r !== role) : [...chosen, role],
                )
              }
            />{" "}
            {label}
          </label>
        ))}
      </fieldset>
      <p className="muted">
        People in these roles without it are asked to set it up before anything else. Signing in
        with the school's own provider counts as that provider's strong sign-in.
      </p>
      <button type="button" onClick={() => void save()}>
        Save sign-in rules
      </button>
      <h3>Single sign-on providers</h3>
      {providers.data && providers.data.providers.length > 0 ? (
        <ul>
          {providers.data.providers.map((p) => (
            <li key={p.id}>
              {p.name} ({p.issuer}) for {p.allowedDomains.join(", ")}
              {p.enabled ? "" : ", switched off"}
              {p.clientSecretRef && !p.secretPresent
                ? `: ${p.clientSecretRef} is not set on this server`
                : ""}
            </li>
          ))}
        </ul>
      ) : (
        <p>None: staff sign in with their password.</p>
      )}
      <AddProvider onAdded={providers.reload} />
    </section>
  );
}

/** A provider's settings; the client secret stays in the server's environment (docs/security.md). */
function AddProvider({ onAdded }: { onAdded: () => void }) {
  const empty = { name: "", issuer: "", clientId: "", clientSecretRef: "", domains: "" };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<Error | null>(null);
  const [added, setAdded] = useState(false);
  const field = (key: keyof typeof empty, label: string, hint?: string) => (
    <label>
      {label}
      {hint ? <span className="muted"> ({hint})</span> : null}
      <input
        required={key !== "clientSecretRef"}
        value={form[key]}
        onChange={(e) => setForm({ ...form, [key]: e.target.value })}
      />
    </label>
  );
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setAdded(false);
    const body: IdentityProviderBody = {
      name: form.name,
      issuer: form.issuer,
      clientId: form.clientId,
      clientSecretRef: form.clientSecretRef.trim() || null,
      allowedDomains: form.domains.split(/[\s,]+/).filter(Boolean),
    };
    try {
      await api.post("/api/auth/sso/identity-providers", body);
      setForm(empty);
      setAdded(true);
      onAdded();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <form
      onSubmit={(e) => void submit(e)}
      aria-label="Add a single sign-on provider"
      className="login"
    >
      <h3>Add a provider</h3>
      <ErrorNotice error={error} />
      {added ? <Notice tone="success">Added: its button is on the sign-in page.</Notice> : null}
      {field("name", "Button name", "Sign in with …")}
      {field("issuer", "Issuer address")}
      {field("clientId", "Client id")}
      {field("clientSecretRef", "Client secret variable", "ROLLBOOK_SSO_SECRET_…")}
      {field("domains", "Staff email domains", "separated by commas")}
      <button type="submit">Add provider</button>
    </form>
  );
}
