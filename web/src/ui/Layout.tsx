import type { ReactNode } from "react";
import { NavLink, useNavigate } from "react-router";
import { type Permission, useSession } from "../session.tsx";
import { PupilSearch } from "./PupilSearch.tsx";
import { useApi } from "./useApi.ts";

interface SchoolSummary {
  id: number;
  name: string;
}

/** The pages the caller may use in the chosen school, from the permissions the server sent. */
function navFor(can: (permission: Permission) => boolean, oversees: boolean) {
  const items: { to: string; label: string }[] = [];
  // Parents hold no staff permission: their children are their whole view.
  if (!can("school.view") && !oversees)
    return [
      { to: "/parent", label: "My children" },
      { to: "/attendance-policy", label: "Attendance policy" },
    ];
  if (oversees) items.push({ to: "/oversight", label: "Schools" });
  if (can("office.view")) items.push({ to: "/today", label: "Today" });
  // A form tutor's own page; the office's is Today.
  if (can("registers.take_own") && !can("office.view"))
    items.push({ to: "/my-form", label: "My form" });
  if (can("registers.take_own") || can("registers.view_all"))
    items.push({ to: "/registers", label: "Registers" }, { to: "/lessons", label: "Lessons" });
  if (can("office.view"))
    items.push({ to: "/desk", label: "Reception" }, { to: "/roll-call", label: "Roll call" });
  if (can("statistics.view")) items.push({ to: "/dashboard", label: "Dashboard" });
  if (can("office.view"))
    items.push({ to: "/rewards", label: "Rewards" }, { to: "/reports", label: "Reports" });
  items.push({ to: "/pupils", label: "Pupils" });
  if (can("pupils.manage")) items.push({ to: "/imports/pupils", label: "Import pupils" });
  if (can("office.view"))
    items.push({ to: "/worklist", label: "My actions" }, { to: "/cases", label: "Cases" });
  if (can("safeguarding.list")) items.push({ to: "/safeguarding", label: "Safeguarding" });
  if (can("letters.send")) items.push({ to: "/letters", label: "Letters" });
  if (can("school.setup")) items.push({ to: "/messaging", label: "Texts" });
  if (can("school.setup")) items.push({ to: "/mis", label: "MIS" });
  if (can("statistics.view")) items.push({ to: "/policy", label: "Policy" });
  // Heads manage their own school's staff; administrators everyone (they hold it everywhere).
  if (can("staff.manage")) items.push({ to: "/users", label: "Users" });
  return items;
}

/** On every page of a demo database: nothing in it is real, and everyone knows its passwords. */
export function DemoBanner() {
  const { deployment } = useSession();
  if (!deployment?.demo) return null;
  return (
    <div className="notice notice-warning" role="note" style={{ margin: 0, borderRadius: 0 }}>
      <strong>Demo school: sample data, shared passwords.</strong> Do not enter real pupils or
      families here.
    </div>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { user, signOut, can, oversees, schoolId, setSchoolId } = useSession();
  const navigate = useNavigate();
  const schools = useApi<{ schools: SchoolSummary[] }>(user ? "/api/schools" : null);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <DemoBanner />
      <header className="top">
        <div className="brand">Rollbook</div>
        <nav aria-label="Main">
          <ul>
            {navFor(can, oversees).map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{item.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        {can("school.view") && schoolId ? <PupilSearch schoolId={schoolId} /> : null}
        <div className="who">
          {schools.data && schools.data.schools.length > 1 ? (
            <label>
              <span className="visually-hidden">School</span>
              <select value={schoolId ?? ""} onChange={(e) => setSchoolId(Number(e.target.value))}>
                {schools.data.schools.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
          ) : (
            <span>{schools.data?.schools[0]?.name}</span>
          )}
          <span className="muted">{user?.name}</span>
          <NavLink to="/account" className="muted">
            Change password
          </NavLink>
          <button
            type="button"
            className="secondary"
            onClick={() => {
              void signOut().then(() => navigate("/login"));
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}
