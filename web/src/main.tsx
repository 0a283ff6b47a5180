import { type ComponentType, lazy, StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { Login } from "./screens/Login.tsx";
import { ForgotPassword, ResetPassword } from "./screens/PasswordReset.tsx";
import { SessionProvider, useSession } from "./session.tsx";
import { Layout } from "./ui/Layout.tsx";
import { Loading } from "./ui/Notice.tsx";
import "./styles.css";

/**
 * Each screen is its own chunk, loaded the first time it is opened: the first load carries only
 * the app's frame and the sign-in pages (the charts library, the largest part, comes with the
 * screens that draw charts).
 */
function screen<K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) {
  return lazy(() => load().then((module) => ({ default: module[name] })));
}
const Account = screen(() => import("./screens/Account.tsx"), "Account");
const CasePage = screen(() => import("./screens/Case.tsx"), "CasePage");
const Cases = screen(() => import("./screens/Cases.tsx"), "Cases");
const Desk = screen(() => import("./screens/Desk.tsx"), "Desk");
const Lessons = screen(() => import("./screens/Lessons.tsx"), "Lessons");
const LessonRegister = screen(() => import("./screens/Lessons.tsx"), "LessonRegister");
const RollCall = screen(() => import("./screens/RollCall.tsx"), "RollCall");
const Dashboard = screen(() => import("./screens/Dashboard.tsx"), "Dashboard");
const Letters = screen(() => import("./screens/Letters.tsx"), "Letters");
const MyForm = screen(() => import("./screens/MyForm.tsx"), "MyForm");
const MessagingSettings = screen(() => import("./screens/Messaging.tsx"), "MessagingSettings");
const MisSettings = screen(() => import("./screens/MisSettings.tsx"), "MisSettings");
const Oversight = screen(() => import("./screens/Oversight.tsx"), "Oversight");
const Parent = screen(() => import("./screens/Parent.tsx"), "Parent");
const PolicyForParents = screen(() => import("./screens/PolicyForParents.tsx"), "PolicyForParents");
const ParentInvitations = screen(
  () => import("./screens/ParentInvitations.tsx"),
  "ParentInvitations",
);
const TwoFactorRequired = screen(() => import("./screens/TwoFactor.tsx"), "TwoFactorRequired");
const PolicyEditor = screen(() => import("./screens/Policy.tsx"), "PolicyEditor");
const PupilImport = screen(() => import("./screens/PupilImport.tsx"), "PupilImport");
const PupilProfile = screen(() => import("./screens/Pupil.tsx"), "PupilProfile");
const Pupils = screen(() => import("./screens/Pupils.tsx"), "Pupils");
const Register = screen(() => import("./screens/Register.tsx"), "Register");
const Registers = screen(() => import("./screens/Registers.tsx"), "Registers");
const Reports = screen(() => import("./screens/Reports.tsx"), "Reports");
const Rewards = screen(() => import("./screens/Rewards.tsx"), "Rewards");
const Safeguarding = screen(() => import("./screens/Safeguarding.tsx"), "Safeguarding");
const Today = screen(() => import("./screens/Today.tsx"), "Today");
const Users = screen(() => import("./screens/Users.tsx"), "Users");
const Worklist = screen(() => import("./screens/Worklist.tsx"), "Worklist");

function Home() {
  const { can, oversees, permissions } = useSession();
  if (permissions === null) return <Loading what="your school" />;
  if (can("office.view")) return <Navigate to="/today" replace />;
  if (can("registers.take_own")) return <Navigate to="/my-form" replace />;
  if (oversees) return <Navigate to="/oversight" replace />;
  if (can("statistics.view")) return <Navigate to="/dashboard" replace />;
  return <Navigate to="/parent" replace />;
}

function Signed() {
  const { user, loading } = useSession();
  if (loading) return <Loading what="Rollbook" />;
  if (!user) return <Navigate to="/login" replace />;
  // Their role must use two-factor sign-in: nothing else until it is set up (the API agrees).
  if (user.twoFactorSetupDue)
    return (
      <Suspense fallback={<Loading what="the page" />}>
        <TwoFactorRequired />
      </Suspense>
    );
  return (
    <Layout>
      <Suspense fallback={<Loading what="the page" />}>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/today" element={<Today />} />
          <Route path="/registers" element={<Registers />} />
          <Route path="/my-form" element={<MyForm />} />
          <Route path="/registers/:groupId/:date/:session" element={<Register />} />
          <Route path="/desk" element={<Desk />} />
          <Route path="/roll-call" element={<RollCall />} />
          <Route path="/lessons" element={<Lessons />} />
          <Route path="/lessons/:classId/:date/:periodId" element={<LessonRegister />} />
          <Route path="/pupils" element={<Pupils />} />
          <Route path="/pupils/:pupilId" element={<PupilProfile />} />
          <Route path="/imports/pupils" element={<PupilImport />} />
          <Route path="/dashboard" element={<Dashboard />} />
          <Route path="/rewards" element={<Rewards />} />
          <Route path="/reports" element={<Reports />} />
          <Route path="/oversight" element={<Oversight />} />
          <Route path="/worklist" element={<Worklist />} />
          <Route path="/cases" element={<Cases />} />
          <Route path="/safeguarding" element={<Safeguarding />} />
          <Route path="/cases/:caseId" element={<CasePage />} />
          <Route path="/letters" element={<Letters />} />
          <Route path="/messaging" element={<MessagingSettings />} />
          <Route path="/mis" element={<MisSettings />} />
          <Route path="/policy" element={<PolicyEditor />} />
          <Route path="/parent" element={<Parent />} />
          <Route path="/attendance-policy" element={<PolicyForParents />} />
          <Route path="/users" element={<Users />} />
          <Route path="/users/invite-parents" element={<ParentInvitations />} />
          <Route path="/account" element={<Account />} />
          <Route path="*" element={<p>This page does not exist.</p>} />
        </Routes>
      </Suspense>
    </Layout>
  );
}

createRoot(document.getElementById("root") as HTMLElement).render(
  <StrictMode>
    <SessionProvider>
      <BrowserRouter>
        <Routes>
          <Route path="/login" element={<Login />} />
          <Route path="/forgot-password" element={<ForgotPassword />} />
          <Route path="/reset-password" element={<ResetPassword />} />
          <Route path="/*" element={<Signed />} />
        </Routes>
      </BrowserRouter>
    </SessionProvider>
  </StrictMode>,
);
