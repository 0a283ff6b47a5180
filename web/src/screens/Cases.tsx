import { useState } from "react";
import { Link } from "react-router";
import { countOf } from "../../../src/domain/plural.ts";
import type { CaseRow } from "../../../src/server/cases/cases.schema.ts";
import { dayLabel } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading } from "../ui/Notice.tsx";
import { Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";

export function Cases() {
  const { schoolId } = useSession();
  const [status, setStatus] = useState("open");
  const { data, error } = useApi<{ cases: CaseRow[] }>(
    schoolId ? `/api/schools/${schoolId}/cases?status=${status}` : null,
  );
  return (
    <section>
      <h1>Attendance cases</h1>
      <label className="inline">
        Show
        <select value={status} onChange={(e) => setStatus(e.target.value)}>
          <option value="open">Open</option>
          <option value="closed">Closed</option>
        </select>
      </label>
      <ErrorNotice error={error} />
      {!data ? (
        <Loading what="cases" />
      ) : (
        <Table
          caption={countOf(data.cases.length, `${status} case`)}
          rowKey={(c) => c.id}
          rows={data.cases}
          columns={[
            {
              key: "pupil",
              label: "Pupil",
              value: (c) => c.pupil,
              render: (c) => <Link to={`/cases/${c.id}`}>{c.pupil}</Link>,
            },
            { key: "stage", label: "Stage", value: (c) => c.stage_id.replaceAll("_", " ") },
            {
              key: "opened",
              label: "Opened",
              value: (c) => c.opened_on,
              render: (c) => dayLabel(c.opened_on),
            },
            {
              key: "review",
              label: "Next review",
              value: (c) => c.next_review_on,
              render: (c) =>
                c.next_review_on ? dayLabel(c.next_review_on) : "by the policy's rule",
            },
            { key: "owner", label: "Owner", value: (c) => c.owner ?? "unassigned" },
            { key: "outcome", label: "Outcome", value: (c) => c.outcome },
          ]}
        />
      )}
    </section>
  );
}
