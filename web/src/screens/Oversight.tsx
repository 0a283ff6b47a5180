import { type FormEvent, useState } from "react";
import { useNavigate } from "react-router";
import { count } from "../../../src/domain/plural.ts";
import type {
  ConversationListView,
  ConversationPupilsView,
  OverviewView,
  PupilAcrossSchoolsView,
} from "../../../src/server/oversight/oversight.schema.ts";
import { api, dayLabel } from "../api.ts";
import { useSession } from "../session.tsx";
import { absenceConcern, percent, type Ratio } from "../ui/Attendance.tsx";
import { Chart } from "../ui/Chart.tsx";
import { ErrorNotice, Loading } from "../ui/Notice.tsx";
import { Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";
import { GroupBenchmarkComparison } from "./GroupBenchmarks.tsx";

type SchoolRow = OverviewView["schools"][number];
type ConversationSchool = ConversationListView["schools"][number];

const clock = (at: string) =>
  new Date(at).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit" });

/** How fresh a school's figures are: as of when they were counted, and whether a recount is due. */
function freshnessOf(s: Pick<SchoolRow, "freshness" | "computedAt" | "staleSince">): string {
  if (s.freshness === "not_counted") return "Not counted yet";
  if (s.freshness === "stale")
    return `As of ${clock(s.computedAt)}; recounting: marks saved since ${clock(s.staleSince ?? s.computedAt)}`;
  return `As of ${clock(s.computedAt)}`;
}

/** Pupils are sent a page at a time: a local authority's list runs to thousands. */
const PAGE = 25;

const asNumber = (r: Ratio) => (r.denominator ? (r.numerator * 100) / r.denominator : null);
const CONCERNS: Record<string, string> = {
  severely_absent: "Severely absent",
  persistently_absent: "Persistently absent",
  at_risk: "At risk",
};

function Schools() {
  const { setSchoolId } = useSession();
  const navigate = useNavigate();
  const { data, error } = useApi<OverviewView>("/api/oversight/schools");
  if (error) return <ErrorNotice error={error} />;
  if (!data) return <Loading what="the schools" />;
  const t = data.total;
  const ranked = [...data.schools].sort(
    (a, b) =>
      (asNumber(a.statistics.attendanceRate) ?? 0) - (asNumber(b.statistics.attendanceRate) ?? 0),
  );
  return (
    <>
      <div className="tiles">
        <div className="tile">
          <span className="figure">{percent(t.attendanceRate)}%</span>
          <span>attendance across {count(data.schools.length, "school")}</span>
        </div>
        <div className="tile">
          <span className="figure">{percent(t.unauthorisedAbsenceRate)}%</span>
          <span>unauthorised absence</span>
        </div>
        <div className="tile">
          <span className="figure">{percent(t.persistentAbsenceRate)}%</span>
          <span>
            persistently absent ({t.persistentAbsentees} of {t.enrolments})
          </span>
        </div>
        <div className="tile">
          <span className="figure">{t.severeAbsentees}</span>
          <span>severely absent</span>
        </div>
      </div>
      {data.schools.length > 1 && (
        <Chart
          label={`Attendance by school, lowest first: ${ranked.map((s) => `${s.name} ${percent(s.statistics.attendanceRate)}%`).join(", ")}`}
          height={Math.max(200, ranked.length * 22)}
          option={{
            tooltip: {},
            grid: { left: 160, right: 30, top: 10, bottom: 30 },
            xAxis: {
              type: "value",
              min: (v: { min: number }) => Math.max(0, Math.floor(v.min - 2)),
              max: 100,
              name: "%",
            },
            yAxis: { type: "category", data: ranked.map((s) => s.name) },
            series: [
              {
                type: "bar",
                data: ranked.map(
                  (s) => Math.round((asNumber(s.statistics.attendanceRate) ?? 0) * 10) / 10,
                ),
                itemStyle: { color: "#0b5394" },
              },
            ],
          }}
        />
      )}
      <Table
        caption="Schools, year to date"
        rowKey={(s) => s.schoolId}
        rows={data.schools}
        columns={[
          {
            key: "name",
            label: "School",
            value: (s) => s.name,
            render: (s) => (
              <button
                type="button"
                className="link"
                onClick={() => {
                  setSchoolId(s.schoolId);
                  navigate("/dashboard");
                }}
              >
                {s.name}
              </button>
            ),
          },
          { key: "phase", label: "Phase", value: (s) => s.phase.replace("_", " ") },
          {
            key: "area",
            label: "Trust / LA",
            value: (s) => [s.trust, s.localAuthority].filter(Boolean).join(" · "),
          },
          { key: "pupils", label: "Pupils", value: (s) => s.statistics.enrolments, numeric: true },
          {
            key: "attendance",
            label: "Attendance %",
            value: (s) => asNumber(s.statistics.attendanceRate),
            render: (s) => percent(s.statistics.attendanceRate),
            numeric: true,
          },
          {
            key: "unauthorised",
            label: "Unauthorised %",
            value: (s) => asNumber(s.statistics.unauthorisedAbsenceRate),
            render: (s) => percent(s.statistics.unauthorisedAbsenceRate),
            numeric: true,
          },
          {
            key: "pa",
            label: "PA %",
            value: (s) => asNumber(s.statistics.persistentAbsenceRate),
            render: (s) => percent(s.statistics.persistentAbsenceRate),
            numeric: true,
          },
          {
            key: "sa",
            label: "Severely absent",
            value: (s) => s.statistics.severeAbsentees,
            numeric: true,
          },
          { key: "cases", label: "Open cases", value: (s) => s.openCases, numeric: true },
          { key: "figures", label: "Figures", value: (s) => freshnessOf(s) },
        ]}
      />
      <p className="muted">
        Each school is recounted within a minute or two of a register being saved; until then its
        row says so. Each school's dashboard is live.
      </p>
    </>
  );
}

function ConversationList() {
  const [line, setLine] = useState(92);
  const { data, error } = useApi<ConversationListView>(
    `/api/oversight/conversation-list?atRiskBelow=${line}`,
  );
  return (
    <>
      <label className="inline">
        At risk below
        <select value={line} onChange={(e) => setLine(Number(e.target.value))}>
          {[90, 91, 92, 93, 94, 95].map((n) => (
            <option key={n} value={n}>
              {n}%
            </option>
          ))}
        </select>
      </label>
      <ErrorNotice error={error} />
      {!data ? (
        <Loading what="the conversation list" />
      ) : (
        data.schools.map((s) => <ConversationWith key={s.schoolId} school={s} line={line} />)
      )}
    </>
  );
}

/** One school's counts; its pupils are fetched a page at a time when someone opens them. */
function ConversationWith({ school: s, line }: { school: ConversationSchool; line: number }) {
  const [open, setOpen] = useState(false);
  // A page is of one at-risk line: another line starts again from its first page.
  const [page, setPage] = useState({ line, offset: 0 });
  const offset = page.line === line ? page.offset : 0;
  const setOffset = (to: number) => setPage({ line, offset: to });
  const { data, error } = useApi<ConversationPupilsView>(
    open
      ? `/api/oversight/conversation-list/${s.schoolId}?atRiskBelow=${line}&offset=${offset}&limit=${PAGE}`
      : null,
  );
  const toDiscuss = s.counts.severelyAbsent + s.counts.persistentlyAbsent + s.counts.atRisk;
  return (
    <section aria-labelledby={`conversation-${s.schoolId}`}>
      <h3 id={`conversation-${s.schoolId}`}>
        {s.school}: {s.counts.severelyAbsent} severely absent, {s.counts.persistentlyAbsent}{" "}
        persistently absent, {s.counts.atRisk} at risk
      </h3>
      <p className="muted">{freshnessOf(s)}</p>
      {toDiscuss > 0 && (
        <button
          type="button"
          className="secondary"
          aria-expanded={open}
          aria-controls={`conversation-pupils-${s.schoolId}`}
          onClick={() => setOpen(!open)}
        >
          {open ? `Hide pupils at ${s.school}` : `Pupils to discuss at ${s.school}`}
        </button>
      )}
      <div id={`conversation-pupils-${s.schoolId}`}>
        <ErrorNotice error={error} />
        {open && !data && <Loading what={`the pupils at ${s.school}`} />}
        {open && data && (
          <>
            <Table
              caption={`Pupils to discuss at ${s.school}, ${data.total ? data.offset + 1 : 0} to ${data.offset + data.pupils.length} of ${data.total}`}
              rowKey={(p) => p.pupilId}
              rows={data.pupils}
              empty="No pupils to discuss."
              columns={[
                { key: "name", label: "Pupil", value: (p) => p.name },
                { key: "upn", label: "UPN", value: (p) => p.upn },
                { key: "year", label: "Year", value: (p) => p.yearGroup },
                {
                  key: "attendance",
                  label: "Attendance %",
                  value: (p) =>
                    p.possible
                      ? Math.round(((p.possible - p.absence) * 1000) / p.possible) / 10
                      : null,
                  numeric: true,
                },
                {
                  key: "unauthorised",
                  label: "Unauthorised sessions",
                  value: (p) => p.unauthorised,
                  numeric: true,
                },
                {
                  key: "concern",
                  label: "Concern",
                  value: (p) => CONCERNS[p.concern] ?? p.concern,
                },
              ]}
            />
            {data.total > PAGE && (
              <div className="row">
                <button
                  type="button"
                  className="secondary"
                  disabled={data.offset === 0}
                  onClick={() => setOffset(Math.max(0, data.offset - PAGE))}
                >
                  Previous {PAGE}
                </button>
                <button
                  type="button"
                  className="secondary"
                  disabled={data.offset + PAGE >= data.total}
                  onClick={() => setOffset(data.offset + PAGE)}
                >
                  Next {PAGE}
                </button>
              </div>
            )}
          </>
        )}
      </div>
    </section>
  );
}

function FindPupil() {
  const [upn, setUpn] = useState("");
  const [found, setFound] = useState<PupilAcrossSchoolsView | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const search = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    setFound(null);
    try {
      setFound(await api.get(`/api/oversight/pupils/${encodeURIComponent(upn.trim())}`));
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <>
      <search>
        <form className="row" onSubmit={(e) => void search(e)}>
          <label>
            UPN
            <input value={upn} onChange={(e) => setUpn(e.target.value)} required />
          </label>
          <button type="submit">Find</button>
        </form>
      </search>
      <ErrorNotice error={error} />
      {found && (
        <>
          <p>
            {found.enrolments.length} enrolment(s); together{" "}
            {percent(found.together.attendanceRate)}% attendance over {found.together.possible}{" "}
            sessions this year.
          </p>
          <ol>
            {found.enrolments.map((e) => (
              <li key={`${e.school}${e.admissionDate}`}>
                {e.name} at {e.school}, from {dayLabel(e.admissionDate)}
                {e.leavingDate ? ` to ${dayLabel(e.leavingDate)}` : ""}:{" "}
                {percent(e.statistics.attendanceRate)}% over{" "}
                {count(e.statistics.possible, "session")}
                {absenceConcern(e.statistics) ? ` (${absenceConcern(e.statistics)})` : ""}
              </li>
            ))}
          </ol>
        </>
      )}
    </>
  );
}

/** The trust's or local authority's view: every school side by side, against DfE, the conversation list, one pupil across schools. */
export function Oversight() {
  const [tab, setTab] = useState<"schools" | "benchmarks" | "conversation" | "pupil">("schools");
  const tabs = [
    ["schools", "Schools"],
    ["benchmarks", "Against DfE"],
    ["conversation", "Conversation list"],
    ["pupil", "Find a pupil"],
  ] as const;
  return (
    <section>
      <h1>Schools overview</h1>
      <fieldset className="row toggles">
        <legend className="visually-hidden">View</legend>
        {tabs.map(([id, label]) => (
          <button
            key={id}
            type="button"
            className={tab === id ? undefined : "secondary"}
            aria-pressed={tab === id}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
      </fieldset>
      {tab === "schools" && <Schools />}
      {tab === "benchmarks" && <GroupBenchmarkComparison />}
      {tab === "conversation" && <ConversationList />}
      {tab === "pupil" && <FindPupil />}
    </section>
  );
}
