import type { ContactCheckView } from "../../../src/server/office/office.schema.ts";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { pupilNameColumn } from "../ui/PupilColumn.tsx";
import { Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";

/** The list can run to a hundred pupils in a large school: the first few, the rest on request. */
const FIRST = 10;

/**
 * Pupils on roll without enough working contacts (DfE asks schools to hold more than one
 * emergency contact where reasonably possible), for the office to put right.
 */
export function ContactsToCheck({ schoolId }: { schoolId: number }) {
  const check = useApi<ContactCheckView>(`/api/schools/${schoolId}/office/contact-check`);
  const data = check.data;
  return (
    <>
      <h2>Contact details to check</h2>
      <ErrorNotice error={check.error} />
      {!data ? (
        !check.error && <Loading what="contact details" />
      ) : data.pupils.length === 0 ? (
        <p>
          Every pupil on roll has at least {data.minimum} working contact
          {data.minimum === 1 ? "" : "s"}.
        </p>
      ) : (
        <>
          <Notice tone="warning">
            {data.belowMinimum} of {data.pupilsOnRoll} pupils on roll have fewer than {data.minimum}{" "}
            working contact{data.minimum === 1 ? "" : "s"}
            {data.pupils.length > data.belowMinimum
              ? `; ${data.pupils.length - data.belowMinimum} more have a phone number or email that failed`
              : ""}
            .
          </Notice>
          <Table
            caption="Contact details to put right"
            rowKey={(p) => p.pupilId}
            rows={data.pupils}
            firstRows={FIRST}
            columns={[
              pupilNameColumn(),
              { key: "group", label: "Form", value: (p) => p.registrationGroup },
              {
                key: "working",
                label: "Working contacts",
                value: (p) => p.workingContacts,
                numeric: true,
              },
              {
                key: "reasons",
                label: "Why",
                value: (p) => p.reasons.join("; "),
                render: (p) => (
                  <ul>
                    {p.reasons.map((r) => (
                      <li key={r}>{r}</li>
                    ))}
                  </ul>
                ),
              },
            ]}
          />
        </>
      )}
    </>
  );
}
