import { Link } from "react-router";
import { formatPercent } from "../../../src/domain/percent.ts";
import type { MyForm as Form, MyForms } from "../../../src/server/my-form/my-form.schema.ts";
import { dayLabel } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading } from "../ui/Notice.tsx";
import { pupilNameColumn } from "../ui/PupilColumn.tsx";
import { Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";

const STATE: Record<string, string> = {
  not_open_yet: "opens later",
  open: "open now",
  closed: "closed",
};

/** A form tutor's landing page: their form today and this year, and whom to chase. */
export function MyForm() {
  const { schoolId } = useSession();
  const { data, error } = useApi<MyForms>(schoolId ? `/api/schools/${schoolId}/my-form` : null);
  return (
    <section>
      <h1>My form</h1>
      <ErrorNotice error={error} />
      {!data ? (
        error ? null : (
          <Loading what="your form" />
        )
      ) : (
        data.forms.map((form) => <FormToday key={form.groupId} form={form} date={data.date} />)
      )}
    </section>
  );
}

function FormToday({ form, date }: { form: Form; date: string }) {
  const ytd = form.yearToDate;
  return (
    <section aria-labelledby={`form-${form.groupId}`}>
      <h2 id={`form-${form.groupId}`}>
        {form.form}, {dayLabel(date)}
      </h2>
      {form.registers.length === 0 ? (
        <p>No registers today: not a school day.</p>
      ) : (
        <ul className="register-list">
          {form.registers.map((r) => (
            <li key={r.session}>
              <Link
                to={`/registers/${form.groupId}/${date}/${r.session}`}
                // Named as on the Registers page, so the link makes sense on its own.
                aria-label={`${form.form} ${r.session} register${r.taken ? " (taken)" : " (not taken)"}`}
              >
                {r.session} register
              </Link>
              : {r.taken ? "taken" : `not taken (${STATE[r.state] ?? r.state})`}
            </li>
          ))}
        </ul>
      )}
      <div className="tiles">
        <div className="tile">
          <span className="figure">{ytd ? `${formatPercent(ytd.attendanceRate)}%` : "–"}</span>
          <span>attendance this year to date</span>
        </div>
        <div className="tile">
          <span className="figure">
            {ytd ? `${formatPercent(ytd.unauthorisedAbsenceRate)}%` : "–"}
          </span>
          <span>unauthorised absence</span>
        </div>
        <div className="tile">
          <span className="figure">{form.absentToday.length}</span>
          <span>absences today</span>
        </div>
        <div className="tile">
          <span className="figure">{form.toChase.length}</span>
          <span>pupils to chase</span>
        </div>
      </div>
      <Table
        caption={`Absent today in ${form.form}`}
        rowKey={(a) => `${a.pupilId}-${a.session}`}
        rows={form.absentToday}
        empty="Nobody is absent today."
        columns={[
          pupilNameColumn(),
          { key: "session", label: "Session", value: (a) => a.session },
          { key: "code", label: "Code", value: (a) => `${a.code}: ${a.meaning}` },
        ]}
      />
      <Table
        caption={`To chase: absences in ${form.form} with no reason yet (N)`}
        rowKey={(c) => c.pupilId}
        rows={form.toChase}
        empty="No absences waiting for a reason."
        columns={[
          pupilNameColumn(),
          { key: "sessions", label: "Sessions", value: (c) => c.dates.join(", ") },
          {
            key: "due",
            label: "Five school days passed",
            value: (c) => (c.due ? "Yes: tell the office" : "Not yet"),
          },
        ]}
      />
      {form.persistentAbsenceCounted ? (
        <Table
          caption={`Persistently absent in ${form.form} this year (10% or more missed)`}
          rowKey={(p) => p.pupilId}
          rows={form.persistentlyAbsent}
          empty="Nobody in the form is persistently absent."
          columns={[
            pupilNameColumn(),
            {
              key: "attendance",
              label: "Attendance %",
              value: (p) => Number(p.attendance),
              numeric: true,
            },
            {
              key: "severe",
              label: "Severely absent",
              value: (p) => (p.severelyAbsent ? "Yes" : "No"),
            },
          ]}
        />
      ) : (
        <p className="muted">
          Persistent absence is counted once the year has held enough sessions.
        </p>
      )}
    </section>
  );
}
