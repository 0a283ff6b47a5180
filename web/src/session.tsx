import {
  createContext,
  type ReactNode,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
} from "react";
import type {
  DeploymentView,
  RoleGrantView,
  SessionView,
  SignedInUser,
} from "../../src/server/auth/auth.schema.ts";
import type { SchoolView } from "../../src/server/schools/schools.schema.ts";
import { ApiError, api, setCsrfToken } from "./api.ts";

/** A permission the server grants, named as the server names it (a typo fails to compile). */
export type Permission = SchoolView["permissions"][number];

export type Role = RoleGrantView;
export type User = SignedInUser;
export type Deployment = DeploymentView;

interface SessionState {
  user: User | null;
  deployment: Deployment | null;
  loading: boolean;
  schoolId: number | null;
  setSchoolId: (id: number) => void;
  /** With two-factor sign-in on, the code from the app (asked for after the password). */
  signIn: (email: string, password: string, code?: string) => Promise<void>;
  signOut: () => Promise<void>;
  /** Asks the server again who is signed in (after two-factor sign-in is set up). */
  refresh: () => Promise<void>;
  /** Ends every session of this user, on every device. */
  signOutEverywhere: () => Promise<void>;
  /** The caller's permissions in the chosen school, from the server (null while loading). */
  permissions: readonly Permission[] | null;
  /** Whether the server lets the caller do this in the chosen school. */
  can: (permission: Permission) => boolean;
  /** Whether the caller oversees schools as a trust, a local authority or an administrator. */
  oversees: boolean;
}

const Session = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [loading, setLoading] = useState(true);
  const [schoolId, setSchool] = useState<number | null>(null);
  const [permissions, setPermissions] = useState<{
    schoolId: number | null;
    list: Permission[];
  } | null>(null);
  const [deployment, setDeployment] = useState<Deployment | null>(null);

  useEffect(() => {
    api
      .get<Deployment>("/api/auth/deployment")
      .then(setDeployment)
      .catch((error: unknown) => console.error(error));
  }, []);

  const adopt = useCallback((next: SessionView) => {
    setCsrfToken(next.csrfToken);
    setUser(next.user);
    const remembered = Number(localStorage.getItem("rollbook.school"));
    setSchool(
      next.user.schoolIds.includes(remembered) ? remembered : (next.user.schoolIds[0] ?? null),
    );
  }, []);

  useEffect(() => {
    api
      .get<SessionView>("/api/auth/session")
      .then(adopt)
      .catch((error: unknown) => {
        if (!(error instanceof ApiError) || error.status !== 401) console.error(error);
      })
      .finally(() => setLoading(false));
  }, [adopt]);

  // The server decides what each role may do; the app asks it once per school chosen.
  useEffect(() => {
    // Until a required two-factor sign-in is set up, the server answers nothing else.
    if (!user || user.twoFactorSetupDue) return;
    if (schoolId === null) {
      setPermissions({ schoolId: null, list: [] });
      return;
    }
    let current = true;
    api
      .get<SchoolView>(`/api/schools/${schoolId}`)
      .then((school) => current && setPermissions({ schoolId, list: school.permissions }))
      .catch(() => current && setPermissions({ schoolId, list: [] }));
    return () => {
      current = false;
    };
  }, [user, schoolId]);

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
      signIn: async (email, password, code) =>
        adopt(
          await api.post<SessionView>("/api/auth/login", {
            email,
            password,
            ...(code ? { code } : {}),
          }),
        ),
      refresh: async () => adopt(await api.get<SessionView>("/api/auth/session")),
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
      permissions: permissions && permissions.schoolId === schoolId ? permissions.list : null,
      can: (permission) =>
        Boolean(permissions?.schoolId === schoolId && permissions?.list.includes(permission)),
      // A grant with no school of its own covers a trust's, an LA's, or (admin) every school.
      oversees: Boolean(user?.roles.some((r) => r.schoolId === null)),
    }),
    [user, deployment, loading, schoolId, adopt, permissions],
  );
  return <Session.Provider value={value}>{children}</Session.Provider>;
}

export function useSession(): SessionState {
  const session = useContext(Session);
  if (!session) throw new Error("useSession outside SessionProvider");
  return session;
}
