import { useState } from "react";
import type { ReferralReadinessView } from "../../../src/server/cases/referrals.schema.ts";
import { api } from "../api.ts";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";

type Kind = ReferralReadinessView["steps"][number]["kind"];

const PATHS: Record<Kind, string> = {
  notice_to_improve: "notice-to-improve",
  penalty_notice: "penalty-notice-referral",
  legal_intervention: "legal-referral",
  social_care: "social-care-referral",
  children_missing_education: "missing-education-report",
  school_nursing: "school-nursing-referral",
  early_help: "early-help-referral",
  safe_and_well_check: "safe-and-well-check",
};

/**
 * Referrals and legal steps with their preconditions explained: each step says what must happen
 * first, in the words the step itself would refuse with; a ready step is one click away.
 */
export function CaseReferrals({
  caseBase,
  open,
  onChange,
}: {
  caseBase: string;
  open: boolean;
  onChange: () => void;
}) {
  const { data, error, reload } = useApi<ReferralReadinessView>(`${caseBase}/referrals`);
  const [reason, setReason] = useState("");
  const [forSafeguarding, setForSafeguarding] = useState(false);
  const [familyAgrees, setFamilyAgrees] = useState(false);
  const [concern, setConcern] = useState("");
  const [problem, setProblem] = useState<Error | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const take = async (kind: Kind, title: string) => {
    setProblem(null);
    try {
      const body =
        kind === "penalty_notice"
          ? { contactIds: data?.parents.map((p) => p.contactId) ?? [] }
          : kind === "social_care"
            ? { reason, safeguarding: forSafeguarding }
            : kind === "early_help"
              ? { familyAgrees }
              : kind === "safe_and_well_check"
                ? { concern }
                : undefined;
      await api.post(`${caseBase}/${PATHS[kind]}`, body);
      setDone(`${title}: done, and in the chronology.`);
      reload();
      onChange();
    } catch (e) {
      setProblem(e as Error);
    }
  };
  return (
    <section aria-labelledby="referrals-heading">
      <h2 id="referrals-heading">Referrals and legal steps</h2>
      <ErrorNotice error={error ?? problem} />
      {done && <Notice tone="success">{done}</Notice>}
      {data && data.parents.length > 0 && (
        <p>
          Parents for a penalty notice:{" "}
          {data.parents.map((p) => `${p.name} (${p.basis})`).join("; ")}.
        </p>
      )}
      <ul className="cards">
        {data?.steps.map((s) => (
          <li key={s.kind} className="card">
            <h3>
              {s.title}: {s.ready ? "can be made today" : "not yet"}
            </h3>
            {!s.ready && (
              <ul aria-label={`What ${s.title} needs first`}>
                {s.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
            )}
            {s.kind === "social_care" && open && (
              <>
                <label>
                  Safeguarding reason for the referral
                  <input value={reason} onChange={(e) => setReason(e.target.value)} />
                </label>
                <label>
                  <input
                    type="checkbox"
                    checked={forSafeguarding}
                    onChange={(e) => setForSafeguarding(e.target.checked)}
                  />{" "}
                  This is a safeguarding concern (attendance never holds it back)
                </label>
              </>
            )}
            {s.kind === "early_help" && open && s.ready && (
              <label>
                <input
                  type="checkbox"
                  checked={familyAgrees}
                  onChange={(e) => setFamilyAgrees(e.target.checked)}
                />{" "}
                The family agrees to an early help assessment
              </label>
            )}
            {s.kind === "safe_and_well_check" && open && s.ready && (
              <label>
                The safeguarding concern
                <input value={concern} onChange={(e) => setConcern(e.target.value)} />
              </label>
            )}
            {open && (s.ready || (s.kind === "social_care" && forSafeguarding)) && (
              <button type="button" onClick={() => void take(s.kind, s.title)}>
                {s.title}
              </button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
