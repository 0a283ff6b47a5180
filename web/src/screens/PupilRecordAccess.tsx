import type { AccessLogEntryView } from "../../../src/server/audit/audit.schema.ts";
import { useSession } from "../session.tsx";
import { Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";

/** Data protection on the pupil's page: who has looked at the record, and the subject access export. */
export function PupilRecordAccess({ pupilId }: { pupilId: string }) {
  const { schoolId, can } = useSession();
  const base = `/api/schools/${schoolId}/pupils/${pupilId}`;
  const canAudit = can("audit.view");
  const log = useApi<{ entries: AccessLogEntryView[] }>(
    schoolId && canAudit ? `${base}/access-log` : null,
  );
  if (!canAudit) return null;
  return (
    <>
      <h2>Who has seen this record</h2>
      {can("pupils.subject_access") && (
        <p>
          <a href={`${base}/subject-access`}>
            Export everything held on this pupil (subject access request, JSON)
          </a>
        </p>
      )}
      {log.data && (
        <Table
          caption="Access to this record"
          rowKey={(e) => `${e.at}${e.what}${e.actor}`}
          rows={log.data.entries.slice(0, 200)}
          empty="Nobody has opened this record yet."
          columns={[
            { key: "at", label: "When", value: (e) => new Date(e.at).toLocaleString("en-GB") },
            { key: "who", label: "Who", value: (e) => e.actor },
            { key: "action", label: "Did", value: (e) => e.action },
            {
              key: "what",
              label: "What",
              value: (e) => e.what.replace("/api/schools/:schoolId", ""),
            },
            {
              key: "status",
              label: "Answer",
              value: (e) => (e.status < 400 ? "given" : `refused (${e.status})`),
            },
          ]}
        />
      )}
    </>
  );
}
