import { type FormEvent, useEffect, useState } from "react";
import { Link } from "react-router";
import type { UserList, UserView } from "../../../src/server/users/users.schema.ts";
import { api } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";
import { SignInSettings } from "./SignInSettings.tsx";

type Account = UserView;
type Grant = UserView["roles"][number];

const ROLE_NAMES: Record<string, string> = {
  teacher: "Teacher",
  attendance_officer: "Attendance officer",
  head_of_school: "Head of school",
  dsl: "Designated safeguarding lead",
  parent: "Parent",
  trust_officer: "Trust attendance lead",
  la_officer: "Local authority officer",
  admin: "Administrator",
};
const SCHOOL_ROLES = ["teacher", "attendance_officer", "head_of_school", "dsl", "parent"];
/** A head gives these in their own school; administrators give every role (the API decides). */
const HEAD_ROLES = ["teacher", "attendance_officer", "dsl", "parent"];

interface RoleChoice {
  role: string;
  schoolId: string;
  groupId: string;
  pupilId: string;
  trustId: string;
  laCode: string;
}

const emptyChoice = (schoolId: number | null): RoleChoice => ({
  role: "teacher",
  schoolId: schoolId ? String(schoolId) : "",
  groupId: "",
  pupilId: "",
  trustId: "",
  laCode: "",
});

/** The body's roles, groups and children from one role picked in the form. */
function accessOf(choice: RoleChoice) {
  const school = SCHOOL_ROLES.includes(choice.role) ? Number(choice.schoolId) : undefined;
  return {
    role: {
      role: choice.role,
      ...(school ? { schoolId: school } : {}),
      ...(choice.role === "trust_officer" ? { trustId: Number(choice.trustId) } : {}),
      ...(choice.role === "la_officer" ? { laCode: choice.laCode } : {}),
    },
    groups:
      school && choice.role !== "parent" && choice.groupId
        ? [{ schoolId: school, registrationGroupId: Number(choice.groupId) }]
        : [],
    children:
      school && choice.role === "parent" && choice.pupilId
        ? [{ schoolId: school, pupilId: Number(choice.pupilId) }]
        : [],
  };
}

function RoleFields({
  idPrefix,
  choice,
  onChange,
  schools,
  roles,
}: {
  idPrefix: string;
  choice: RoleChoice;
  onChange: (next: RoleChoice) => void;
  schools: { id: number; name: string }[];
  roles: string[];
}) {
  const inSchool = SCHOOL_ROLES.includes(choice.role);
  const school = useApi<{ registrationGroups: { id: number; name: string }[] }>(
    inSchool && choice.schoolId && choice.role !== "parent"
      ? `/api/schools/${choice.schoolId}`
      : null,
  );
  const pupils = useApi<{ pupils: { id: number; name: string }[] }>(
    choice.role === "parent" && choice.schoolId ? `/api/schools/${choice.schoolId}/pupils` : null,
  );
  const set = (field: keyof RoleChoice, value: string) => onChange({ ...choice, [field]: value });
  return (
    <div className="row">
      <label htmlFor={`${idPrefix}-role`}>
        Role
        <select
          id={`${idPrefix}-role`}
          value={choice.role}
          onChange={(e) => set("role", e.target.value)}
        >
          {roles.map((r) => (
            <option key={r} value={r}>
              {ROLE_NAMES[r]}
            </option>
          ))}
        </select>
      </label>
      {inSchool ? (
        <label htmlFor={`${idPrefix}-school`}>
          School
          <select
            id={`${idPrefix}-school`}
            value={choice.schoolId}
            onChange={(e) => set("schoolId", e.target.value)}
            required
          >
            <option value="">Choose…</option>
            {schools.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {inSchool && choice.role !== "parent" ? (
        <label htmlFor={`${idPrefix}-group`}>
          Registration group (optional)
          <select
            id={`${idPrefix}-group`}
            value={choice.groupId}
            onChange={(e) => set("groupId", e.target.value)}
          >
            <option value="">None</option>
            {(school.data?.registrationGroups ?? []).map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {choice.role === "parent" ? (
        <label htmlFor={`${idPrefix}-pupil`}>
          Their child
          <select
            id={`${idPrefix}-pupil`}
            value={choice.pupilId}
            onChange={(e) => set("pupilId", e.target.value)}
          >
            <option value="">Choose…</option>
            {(pupils.data?.pupils ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      {choice.role === "trust_officer" ? (
        <label htmlFor={`${idPrefix}-trust`}>
          Trust number
          <input
            id={`${idPrefix}-trust`}
            inputMode="numeric"
            required
            value={choice.trustId}
            onChange={(e) => set("trustId", e.target.value)}
          />
        </label>
      ) : null}
      {choice.role === "la_officer" ? (
        <label htmlFor={`${idPrefix}-la`}>
          Local authority number
          <input
            id={`${idPrefix}-la`}
            inputMode="numeric"
            required
            pattern="\d{3}"
            value={choice.laCode}
            onChange={(e) => set("laCode", e.target.value)}
          />
        </label>
      ) : null}
    </div>
  );
}

function where(grant: Grant, schools: Map<number, string>): string {
  if (grant.schoolId !== null) return schools.get(grant.schoolId) ?? `school ${grant.schoolId}`;
  if (grant.trustId !== null) return `trust ${grant.trustId}`;
  if (grant.laCode !== null) return `local authority ${grant.laCode}`;
  return "every school";
}

/** Accounts: administrators manage everyone, heads their own school's staff and parents. */
export function Users() {
  const { user, schoolId } = useSession();
  // Which roles the form offers; the server still decides what may be given (manage-users.ts).
  const admin = Boolean(user?.roles.some((r) => r.role === "admin"));
  const roles = admin ? Object.keys(ROLE_NAMES) : HEAD_ROLES;
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const list = useApi<UserList>(`/api/users${query ? `?search=${encodeURIComponent(query)}` : ""}`);
  const schoolList = useApi<{ schools: { id: number; name: string }[] }>("/api/schools");
  const schools = schoolList.data?.schools ?? [];
  const schoolNames = new Map(schools.map((s) => [s.id, s.name]));
  const [error, setError] = useState<Error | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(null);

  const act = async (work: () => Promise<unknown>, done: string) => {
    setError(null);
    setNotice(null);
    try {
      await work();
      setNotice(done);
      list.reload();
    } catch (e) {
      setError(e as Error);
    }
  };

  const chosen = list.data?.users.find((u) => u.id === selected) ?? null;
  return (
    <section>
      <h1>Users</h1>
      <p>
        <Link to="/users/invite-parents">Invite parents</Link> from the pupils' contacts.
      </p>
      <ErrorNotice error={error} />
      {notice ? <Notice tone="success">{notice}</Notice> : null}
      <search>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            setQuery(search);
          }}
        >
          <label>
            Name or email
            <input value={search} onChange={(e) => setSearch(e.target.value)} />
          </label>
          <button type="submit">Search</button>
        </form>
      </search>
      <ErrorNotice error={list.error} />
      {!list.data ? (
        <Loading what="users" />
      ) : (
        <div className="table-wrap">
          <table>
            <caption>{list.data.users.length} accounts</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Roles</th>
                <th scope="col">Status</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {list.data.users.map((u) => (
                <tr key={u.id}>
                  <th scope="row">
                    {u.name}
                    <br />
                    <span className="muted">{u.email}</span>
                  </th>
                  <td>
                    {u.roles.map((g) => `${g.label} (${where(g, schoolNames)})`).join("; ")}
                    {u.groups.length ? ` · ${u.groups.map((g) => g.name).join(", ")}` : ""}
                    {u.children.length ? ` · ${u.children.map((c) => c.name).join(", ")}` : ""}
                  </td>
                  <td>{u.disabled ? "Disabled" : "Active"}</td>
                  <td>
                    <button
                      type="button"
                      className="small secondary"
                      aria-label={`Roles of ${u.name}`}
                      onClick={() => setSelected(u.id)}
                    >
                      Roles
                    </button>{" "}
                    <button
                      type="button"
                      className="small secondary"
                      aria-label={`${u.disabled ? "Enable" : "Disable"} ${u.name}`}
                      onClick={() =>
                        void act(
                          () => api.post(`/api/users/${u.id}/${u.disabled ? "enable" : "disable"}`),
                          `${u.name} is ${u.disabled ? "enabled" : "disabled, and signed out everywhere"}.`,
                        )
                      }
                    >
                      {u.disabled ? "Enable" : "Disable"}
                    </button>{" "}
                    <button
                      type="button"
                      className="small secondary"
                      aria-label={`Force a password reset for ${u.name}`}
                      onClick={() =>
                        void act(
                          () => api.post(`/api/users/${u.id}/password-reset`),
                          `${u.name}'s password no longer works; a link to choose a new one has been emailed to ${u.email}.`,
                        )
                      }
                    >
                      Force reset
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {chosen ? (
        <EditRoles
          key={chosen.id}
          account={chosen}
          schools={schools}
          schoolNames={schoolNames}
          roles={roles}
          defaultSchool={schoolId}
          onSaved={(message) => {
            setNotice(message);
            setError(null);
            list.reload();
          }}
          onError={setError}
        />
      ) : null}
      <CreateUser
        schools={schools}
        roles={roles}
        defaultSchool={schoolId}
        onCreated={(message) => {
          setNotice(message);
          setError(null);
          list.reload();
        }}
      />
      {admin ? <SignInSettings /> : null}
    </section>
  );
}

function EditRoles({
  account,
  schools,
  schoolNames,
  roles,
  defaultSchool,
  onSaved,
  onError,
}: {
  account: Account;
  schools: { id: number; name: string }[];
  schoolNames: Map<number, string>;
  roles: string[];
  defaultSchool: number | null;
  onSaved: (message: string) => void;
  onError: (error: Error) => void;
}) {
  const [choice, setChoice] = useState(emptyChoice(defaultSchool));
  const save = async (next: {
    roles: Omit<Grant, "label">[];
    groups: Account["groups"];
    children: Account["children"];
  }) => {
    const strip = <T extends object>(o: T) =>
      Object.fromEntries(Object.entries(o).filter(([k, v]) => v !== null && k !== "label"));
    try {
      await api.put(`/api/users/${account.id}/roles`, {
        roles: next.roles.map(strip),
        groups: next.groups.map((g) => ({
          schoolId: g.schoolId,
          registrationGroupId: g.registrationGroupId,
        })),
        children: next.children.map((c) => ({ schoolId: c.schoolId, pupilId: c.pupilId })),
      });
      onSaved(`${account.name}'s roles are saved.`);
    } catch (e) {
      onError(e as Error);
    }
  };
  const add = (event: FormEvent) => {
    event.preventDefault();
    const picked = accessOf(choice);
    void save({
      roles: [...account.roles, picked.role as Omit<Grant, "label">],
      groups: [...account.groups, ...picked.groups.map((g) => ({ ...g, name: "" }))],
      children: [...account.children, ...picked.children.map((c) => ({ ...c, name: "" }))],
    });
  };
  return (
    <section aria-labelledby="edit-roles">
      <h2 id="edit-roles">Roles of {account.name}</h2>
      <ul>
        {account.roles.map((g, i) => (
          <li key={`${g.role}-${g.schoolId}-${g.trustId}-${g.laCode}`}>
            {g.label} ({where(g, schoolNames)}){" "}
            <button
              type="button"
              className="small secondary"
              aria-label={`Remove ${g.label} (${where(g, schoolNames)}) from ${account.name}`}
              onClick={() => {
                const rest = account.roles.filter((_, j) => j !== i);
                const keep = (schoolId: number) => rest.some((r) => r.schoolId === schoolId);
                void save({
                  roles: rest,
                  groups: account.groups.filter((x) => keep(x.schoolId)),
                  children: account.children.filter((x) => keep(x.schoolId)),
                });
              }}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={add} aria-label={`Add a role to ${account.name}`}>
        <RoleFields
          idPrefix="add"
          choice={choice}
          onChange={setChoice}
          schools={schools}
          roles={roles}
        />
        <button type="submit">Add role</button>
      </form>
    </section>
  );
}

function CreateUser({
  schools,
  roles,
  defaultSchool,
  onCreated,
}: {
  schools: { id: number; name: string }[];
  roles: string[];
  defaultSchool: number | null;
  onCreated: (message: string) => void;
}) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [choice, setChoice] = useState(emptyChoice(defaultSchool));
  const [error, setError] = useState<Error | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    if (!choice.schoolId && defaultSchool)
      setChoice((c) => ({ ...c, schoolId: String(defaultSchool) }));
  }, [defaultSchool, choice.schoolId]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const picked = accessOf(choice);
    try {
      const result = await api.post<{ invited: boolean }>("/api/users", {
        name,
        email,
        ...(password ? { password } : {}),
        roles: [picked.role],
        groups: picked.groups,
        children: picked.children,
      });
      onCreated(
        result.invited
          ? `${name}'s account is created; an invitation to choose a password has been emailed to ${email}.`
          : `${name}'s account is created with the password you gave.`,
      );
      setName("");
      setEmail("");
      setPassword("");
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="create-user">
      <h2 id="create-user">Create an account</h2>
      <form onSubmit={submit} aria-label="Create an account">
        <ErrorNotice error={error} />
        <div className="row">
          <label>
            Name
            <input required value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label>
            Email
            <input
              type="email"
              required
              autoComplete="off"
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </label>
        </div>
        <RoleFields
          idPrefix="new"
          choice={choice}
          onChange={setChoice}
          schools={schools}
          roles={roles}
        />
        <label>
          Password (leave empty to email an invitation instead)
          <input
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? "Creating…" : "Create account"}
        </button>
      </form>
    </section>
  );
}
