import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter, Navigate, Route, Routes } from "react-router";
import { Account } from "./screens/Account.tsx";
import { CasePage } from "./screens/Case.tsx";
import { Cases } from "./screens/Cases.tsx";
import { Dashboard } from "./screens/Dashboard.tsx";
import { Letters } from "./screens/Letters.tsx";
import { Login } from "./screens/Login.tsx";
import { MessagingSettings } from "./screens/Messaging.tsx";
import { Oversight } from "./screens/Oversight.tsx";
import { Parent } from "./screens/Parent.tsx";
import { ForgotPassword, ResetPassword } from "./screens/PasswordReset.tsx";
import { PolicyEditor } from "./screens/Policy.tsx";
import { PupilProfile } from "./screens/Pupil.tsx";
import { Pupils } from "./screens/Pupils.tsx";
import { Register } from "./screens/Register.tsx";
import { Registers } from "./screens/Registers.tsx";
import { Reports } from "./screens/Reports.tsx";
import { Rewards } from "./screens/Rewards.tsx";
import { Today } from "./screens/Today.tsx";
import { Users } from "./screens/Users.tsx";
import { Worklist } from "./screens/Worklist.tsx";
import { SessionProvider, useSession } from "./session.tsx";
import { Layout } from "./ui/Layout.tsx";
import { Loading } from "./ui/Notice.tsx";
import "./styles.css";

function Home() {
  const { can, oversees, permissions } = useSession();
  if (permissions === null) return <Loading what="your school" />;
  if (can("office.view")) return <Navigate to="/today" replace />;
  if (can("registers.take_own")) return <Navigate to="/registers" replace />;
  if (oversees) return <Navigate to="/oversight" replace />;
  if (can("statistics.view")) return <Navigate to="/dashboard" replace />;
  return <Navigate to="/parent" replace />;
}

function Signed() {
  const { user, loading } = useSession();
  if (loading) return <Loading what="Rollbook" />;
  if (!user) return <Navigate to="/login" replace />;
  return (
    <Layout>
      <Routes>
        <Route path="/" element={<Home />} />
        <Route path="/today" element={<Today />} />
        <Route path="/registers" element={<Registers />} />
        <Route path="/registers/:groupId/:date/:session" element={<Register />} />
        <Route path="/pupils" element={<Pupils />} />
        <Route path="/pupils/:pupilId" element={<PupilProfile />} />
        <Route path="/dashboard" element={<Dashboard />} />
        <Route path="/rewards" element={<Rewards />} />
        <Route path="/reports" element={<Reports />} />
        <Route path="/oversight" element={<Oversight />} />
        <Route path="/worklist" element={<Worklist />} />
        <Route path="/cases" element={<Cases />} />
        <Route path="/cases/:caseId" element={<CasePage />} />
        <Route path="/letters" element={<Letters />} />
        <Route path="/messaging" element={<MessagingSettings />} />
        <Route path="/policy" element={<PolicyEditor />} />
        <Route path="/parent" element={<Parent />} />
        <Route path="/users" element={<Users />} />
        <Route path="/account" element={<Account />} />
        <Route path="*" element={<p>This page does not exist.</p>} />
      </Routes>
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
