import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from "react";
import { ApiError, api, setCsrfToken } from "./api.ts";

export interface Role {
  role: string;
  label: string;
  schoolId: number | null;
  trustId: number | null;
  laCode: string | null;
}

export interface User {
  id: number;
  name: string;
  email: string;
  roles: Role[];
  schoolIds: number[];
}

export interface Deployment {
  /** A demo database: sample data and accounts sharing a published password. */
  demo: boolean;
  demoPassword?: string;
  demoAccounts: { email: string; name: string; role: string; label: string }[];
}

interface SessionState {
  user: User | null;
  deployment: Deployment | null;
  loading: boolean;
  schoolId: number | null;
  setSchoolId: (id: number) => void;
  signIn: (email: string, password: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** Ends every session of this user, on every device. */
  signOutEverywhere: () => Promise<void>;
  has: (...roles: string[]) => boolean;
}

const Session = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);
  const [schoolId, setSchool] = useState<number | null>(null);
  const [deployment, setDeployment] = useState<Deployment | null>(null);

  useEffect(() => {
    api
      .get<Deployment>("/api/auth/deployment")
      .then(setDeployment)
      .catch((error: unknown) => console.error(error));
  }, []);

  const adopt = useCallback((next: { user: User; csrfToken: string }) => {
    setCsrfToken(next.csrfToken);
    setUser(next.user);
    const remembered = Number(localStorage.getItem("rollbook.school"));
    setSchool(
      next.user.schoolIds.includes(remembered) ? remembered : (next.user.schoolIds[0] ?? null),
    );
  }, []);

  useEffect(() => {
    api
      .get<{ user: User; csrfToken: string }>("/api/auth/session")
      .then(adopt)
      .catch((error: unknown) => {
        if (!(error instanceof ApiError) || error.status !== 401) console.error(error);
      })
      .finally(() => setLoading(false));
  }, [adopt]);

  const value = useMemo<SessionState>(
    () => ({
      user,
      deployment,
      loading,
      schoolId,
      setSchoolId: (id) => {
        localStorage.setItem("rollbook.school", String(id));
        setSchool(id);
      },
      signIn: async (email, password) =>
        adopt(
          await api.post<{ user: User; csrfToken: string }>("/api/auth/login", { email, password }),
        ),
      signOut: async () => {
        await api.post("/api/auth/logout").catch(() => {});
        setCsrfToken(null);
        setUser(null);
      },
      signOutEverywhere: async () => {
        await api.post("/api/auth/logout-everywhere");
        setCsrfToken(null);
        setUser(null);
      },
      has: (...roles) => Boolean(user?.roles.some((r) => roles.includes(r.role))),
    }),
    [user, deployment, loading, schoolId, adopt],
  );
  return <Session.Provider value={value}>{children}</Session.Provider>;
}

export function useSession(): SessionState {
  const session = useContext(Session);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}

/** Who manages accounts: administrators everywhere, heads for their own school's staff. */
export const ACCOUNT_MANAGERS = ["admin", "head_of_school"];

/** Staff who run the office day (or oversee it). */
export const OFFICE_ROLES = ["attendance_officer", "head_of_school", "admin", "dsl"];
export const OVERSIGHT_ROLES = [...OFFICE_ROLES, "trust_officer", "la_officer"];
