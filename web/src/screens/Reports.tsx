import { useState } from "react";
import { Link } from "react-router";
import type {
  CensusSummaryView,
  ContinuousAbsenceView,
  IllnessReturnView,
} from "../../../src/server/reports/reports.schema.ts";
import { dayLabel, londonToday } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading } from "../ui/Notice.tsx";
import { type Column, Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";

type CensusPupil = CensusSummaryView["pupils"][number];
type ReturnPupil = ContinuousAbsenceView["rows"][number] | IllnessReturnView["rows"][number];

/** The server's own CSV and XLSX of a report: the files to send on. */
function Downloads({ href, what }: { href: string; what: string }) {
  return (
    <p>
      <a href={`${href}&format=csv`} download>
        Download CSV<span className="visually-hidden"> of the {what}</span>
      </a>{" "}
      ·{" "}
      <a href={`${href}&format=xlsx`} download>
        Download XLSX<span className="visually-hidden"> of the {what}</span>
      </a>
    </p>
  );
}

const pupilLink = (p: ReturnPupil) => <Link to={`/pupils/${p.pupilId}`}>{p.name}</Link>;

function currentAcademicYear(today: string): number {
  const year = Number(today.slice(0, 4));
  return today.slice(5) >= "08-01" ? year : year - 1;
}

function CensusSummary({ base }: { base: string }) {
  const today = londonToday();
  const [term, setTerm] = useState("autumn");
  const [year, setYear] = useState(currentAcademicYear(today));
  const href = `${base}/reports/census?term=${term}&year=${year}`;
  const { data, error } = useApi<CensusSummaryView>(href);
  const columns: Column<CensusPupil>[] = [
    { key: "upn", label: "UPN", value: (p) => p.upn },
    {
      key: "name",
      label: "Pupil",
      value: (p) => `${p.surname}, ${p.forename}`,
      render: (p) => <Link to={`/pupils/${p.pupilId}`}>{`${p.surname}, ${p.forename}`}</Link>,
    },
    { key: "age", label: "Age at 31 Aug", value: (p) => p.ageAtStartOfYear, numeric: true },
    { key: "possible", label: "Possible", value: (p) => p.sessionsPossible, numeric: true },
    { key: "auth", label: "Authorised", value: (p) => p.sessionsAuthorised, numeric: true },
    { key: "unauth", label: "Unauthorised", value: (p) => p.sessionsUnauthorised, numeric: true },
    ...(data?.reasons ?? []).map((r) => ({
      key: `reason-${r}`,
      label: r,
      value: (p: CensusPupil) => p.byReason[r] ?? 0,
      numeric: true,
    })),
  ];
  return (
    <>
      <h2>School census: termly attendance</h2>
      <div className="row">
        <label>
          Census term
          <select value={term} onChange={(e) => setTerm(e.target.value)}>
            <option value="autumn">Autumn term (spring census)</option>
            <option value="spring">Spring term (summer census)</option>
            <option value="summer">Summer half term 1 (autumn census)</option>
            <option value="summer_2">Summer half term 2 (autumn census, separately)</option>
          </select>
        </label>
        <label>
          Academic year starting
          <input
            type="number"
            min={2000}
            max={2100}
            value={year}
            onChange={(e) => setYear(Number(e.target.value))}
          />
        </label>
      </div>
      <ErrorNotice error={error} />
      {!data ? (
        <Loading what="the census summary" />
      ) : (
        <>
          <p>
            {data.window.label}: {dayLabel(data.window.from)} to {dayLabel(data.window.to)}, for the{" "}
            {data.window.census}.
          </p>
          <p className="muted">
            {data.rule} Left out: {data.excluded.outsideAgeRange} outside the age range,{" "}
            {data.excluded.noPossibleSessions} with no possible session.
          </p>
          <Downloads href={href} what="census summary" />
          <Table
            caption={`Census attendance: ${data.window.label}`}
            rowKey={(p) => p.pupilId}
            rows={data.pupils}
            columns={columns}
            empty="No pupil of the cohort had a possible session in this window."
          />
        </>
      )}
    </>
  );
}

function ContinuousAbsence({ base, date }: { base: string; date: string }) {
  const href = `${base}/reports/continuous-absence?date=${date}`;
  const { data, error } = useApi<ContinuousAbsenceView>(href);
  const columns: Column<ContinuousAbsenceView["rows"][number]>[] = [
    { key: "name", label: "Pupil", value: (r) => r.name, render: pupilLink },
    { key: "group", label: "Group", value: (r) => r.group },
    { key: "from", label: "First day", value: (r) => r.from, render: (r) => dayLabel(r.from) },
    { key: "to", label: "Last day", value: (r) => r.to, render: (r) => dayLabel(r.to) },
    { key: "days", label: "School days", value: (r) => r.days, numeric: true },
    { key: "ongoing", label: "Still absent", value: (r) => (r.ongoing ? "yes" : "no") },
    { key: "why", label: "Evidence", value: (r) => r.explanation },
  ];
  return (
    <>
      <h3>Continuous absence without permission</h3>
      <ErrorNotice error={error} />
      {!data ? (
        <Loading what="the continuous absence return" />
      ) : (
        <>
          <p className="muted">{data.rule.statement}</p>
          <Downloads href={href} what="continuous absence return" />
          <Table
            caption={`Continuous absence to ${dayLabel(date)}`}
            rowKey={(r) => `${r.pupilId}-${r.from}`}
            rows={data.rows}
            columns={columns}
            empty="No pupil has been absent that long this year."
          />
        </>
      )}
    </>
  );
}

function Illness({ base, date }: { base: string; date: string }) {
  const href = `${base}/reports/illness?date=${date}`;
  const { data, error } = useApi<IllnessReturnView>(href);
  const columns: Column<IllnessReturnView["rows"][number]>[] = [
    { key: "name", label: "Pupil", value: (r) => r.name, render: pupilLink },
    { key: "group", label: "Group", value: (r) => r.group },
    { key: "days", label: "Days of illness", value: (r) => r.days, numeric: true },
    { key: "reached", label: "Threshold reached", value: (r) => r.reached },
    { key: "first", label: "First illness", value: (r) => r.firstDate },
    { key: "last", label: "Last illness", value: (r) => r.lastDate },
  ];
  return (
    <>
      <h3>Illness</h3>
      <ErrorNotice error={error} />
      {!data ? (
        <Loading what="the illness return" />
      ) : (
        <>
          <p className="muted">{data.rule.statement}</p>
          <Downloads href={href} what="illness return" />
          <Table
            caption={`Illness to ${dayLabel(date)}`}
            rowKey={(r) => r.pupilId}
            rows={data.rows}
            columns={columns}
            empty="No pupil has reached the illness threshold this year."
          />
        </>
      )}
    </>
  );
}

/** The census attendance summary and the two returns to the local authority. */
export function Reports() {
  const { schoolId } = useSession();
  const today = londonToday();
  const [date, setDate] = useState(today);
  if (!schoolId) return <Loading what="reports" />;
  const base = `/api/schools/${schoolId}`;
  return (
    <section>
      <h1>Reports</h1>
      <CensusSummary base={base} />
      <h2>Returns to the local authority</h2>
      <label className="inline">
        Up to
        <input type="date" value={date} max={today} onChange={(e) => setDate(e.target.value)} />
      </label>
      {date ? (
        <>
          <ContinuousAbsence base={base} date={date} />
          <Illness base={base} date={date} />
        </>
      ) : null}
    </section>
  );
}
