import { useState } from "react";
import { Link } from "react-router";
import type {
  DslChildRow,
  DslListResponse,
  SafeguardingFlagName,
} from "../../../src/server/safeguarding/safeguarding.schema.ts";
import { dayLabel, londonToday } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";

export const FLAG_LABELS: Record<SafeguardingFlagName, string> = {
  safeguarding_concern: "safeguarding concern",
  has_social_worker: "social worker",
  looked_after: "looked after",
  child_protection_plan: "child protection plan",
  child_in_need_plan: "child in need plan",
};

const marks = (c: DslChildRow) =>
  c.today.map((s) => `${s.session} ${s.code ?? "not marked"}`).join(", ");

/** The designated safeguarding lead's named list: who, why, today's marks and what has been done. */
export function Safeguarding() {
  const { schoolId, can } = useSession();
  const [date, setDate] = useState(londonToday());
  const list = useApi<DslListResponse>(
    schoolId ? `/api/schools/${schoolId}/safeguarding/children?date=${date}` : null,
  );
  return (
    <section>
      <h1>Safeguarding: named children</h1>
      <p className="muted">
        Children with a social worker, a child protection or child in need plan, looked after, or
        with a safeguarding concern. Absent children come first.
      </p>
      <label className="inline">
        Day
        <input type="date" value={date} onChange={(e) => setDate(e.target.value)} />
      </label>
      <ErrorNotice error={list.error} />
      {list.loading && !list.data && <Loading what="the named children" />}
      {list.data && list.data.children.length === 0 && (
        <Notice>No child on roll on {dayLabel(list.data.date)} is on the named list.</Notice>
      )}
      {list.data && list.data.children.length > 0 && (
        <Table
          caption={`${list.data.children.length} named children on ${dayLabel(list.data.date)}`}
          rowKey={(c) => c.pupilId}
          rows={list.data.children}
          columns={[
            {
              key: "name",
              label: "Child",
              value: (c) => c.name,
              render: (c) => <Link to={`/pupils/${c.pupilId}`}>{c.name}</Link>,
            },
            { key: "group", label: "Group", value: (c) => c.group },
            {
              key: "why",
              label: "Why named",
              value: (c) => c.flags.map((f) => FLAG_LABELS[f]).join(", "),
            },
            {
              key: "today",
              label: "Today",
              value: marks,
              render: (c) => (
                <span className={c.today.some((s) => s.absent) ? "tag tag-alert" : undefined}>
                  {marks(c)}
                </span>
              ),
            },
            {
              key: "contacts",
              label: "Follow-up today",
              value: (c) =>
                c.contactsToday.length === 0
                  ? "none"
                  : c.contactsToday.map((l) => `${l.at} ${l.method}: ${l.outcome}`).join("; "),
            },
            {
              key: "worker",
              label: "Social worker told",
              value: (c) =>
                c.flags.includes("has_social_worker")
                  ? c.socialWorkerToldToday
                    ? "yes"
                    : "not today"
                  : "–",
            },
            {
              key: "next",
              label: "Next steps",
              value: (c) =>
                c.steps
                  .filter((s) => !s.done)
                  .map((s) => s.why)
                  .join("; ") || "–",
            },
          ]}
        />
      )}
      {can("follow_up.record") && (
        <p>
          <Link to="/today">Record calls and visits on Today's call list</Link>
        </p>
      )}
    </section>
  );
}
