import type { ReactNode } from "react";
import { NavLink, useNavigate } from "react-router";
import { useSession } from "../session.tsx";
import { useApi } from "./useApi.ts";

interface SchoolSummary {
  id: number;
  name: string;
}

/** The pages the caller may use in the chosen school, from the permissions the server sent. */
function navFor(can: (permission: string) => boolean, oversees: boolean) {
  const items: { to: string; label: string }[] = [];
  // Parents hold no staff permission: their children are their whole view.
  if (!can("school.view") && !oversees) return [{ to: "/parent", label: "My children" }];
  if (oversees) items.push({ to: "/oversight", label: "Schools" });
  if (can("office.view")) items.push({ to: "/today", label: "Today" });
  if (can("registers.take_own") || can("registers.view_all"))
    items.push({ to: "/registers", label: "Registers" });
  if (can("statistics.view")) items.push({ to: "/dashboard", label: "Dashboard" });
  if (can("office.view"))
    items.push({ to: "/rewards", label: "Rewards" }, { to: "/reports", label: "Reports" });
  items.push({ to: "/pupils", label: "Pupils" });
  if (can("office.view"))
    items.push({ to: "/worklist", label: "My actions" }, { to: "/cases", label: "Cases" });
  if (can("letters.send")) items.push({ to: "/letters", label: "Letters" });
  if (can("statistics.view")) items.push({ to: "/policy", label: "Policy" });
  return items;
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
