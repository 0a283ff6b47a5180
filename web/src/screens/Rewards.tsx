import { useState } from "react";
import { count } from "../../../src/domain/plural.ts";
import type {
  ClassFiguresView,
  ImprovedPupilView,
  PupilAwardView,
  RewardsResponse,
} from "../../../src/server/rewards/rewards.schema.ts";
import { dayLabel, londonToday } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { pupilNameColumn } from "../ui/PupilColumn.tsx";
import { type Column, Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";

type Figure = ClassFiguresView["week"];

const percent = (f: Figure) => (f.possible ? `${f.percent}%` : "–");
const sortable = (f: Figure) => (f.possible ? Number(f.percent) : null);

/** A certificate download, named for whoever it is for so each link makes sense on its own. */
function CertificateLink({
  href,
  forWhom,
  label = "Certificate",
}: {
  href: string;
  forWhom: string;
  label?: string;
}) {
  return (
    <a href={href} download>
      {label}
      <span className="visually-hidden">
        {label === "Certificate" ? "" : " certificate"} for {forWhom}
      </span>{" "}
      (PDF)
    </a>
  );
}

export function Rewards() {
  const { schoolId } = useSession();
  const today = londonToday();
  const [week, setWeek] = useState(today);
  const base = `/api/schools/${schoolId}`;
  const { data, error } = useApi<RewardsResponse>(
    schoolId && week ? `${base}/rewards?week=${week}` : null,
  );
  const pupilCertificate = (p: { pupilId: number }, query: string) =>
    `${base}/pupils/${p.pupilId}/certificate.pdf?${query}&week=${week}`;
  const classCertificate = (c: ClassFiguresView, query: string) =>
    `${base}/groups/${c.groupId}/certificate.pdf?${query}&week=${week}`;

  const pupilName: Column<PupilAwardView> = pupilNameColumn();
  const fullColumns = (period: "term" | "year"): Column<PupilAwardView>[] => [
    pupilName,
    { key: "group", label: "Group", value: (p) => p.group },
    { key: "sessions", label: "Sessions attended", value: (p) => p.figure.attended, numeric: true },
    {
      key: "certificate",
      label: "Certificate",
      value: () => null,
      render: (p) => (
        <CertificateLink
          href={pupilCertificate(p, `kind=full_attendance&period=${period}`)}
          forWhom={p.name}
        />
      ),
    },
  ];
  const target = data?.target ?? null;
  const classColumns: Column<ClassFiguresView>[] = [
    { key: "name", label: "Class", value: (c) => c.name },
    { key: "pupils", label: "Pupils", value: (c) => c.pupils, numeric: true },
    {
      key: "week",
      label: "This week",
      value: (c) => sortable(c.week),
      render: (c) => percent(c.week),
      numeric: true,
    },
    {
      key: "term",
      label: "This term",
      value: (c) => sortable(c.term),
      render: (c) => percent(c.term),
      numeric: true,
    },
    {
      key: "target",
      label: target === null ? "Target" : `At or above ${target}%`,
      value: (c) =>
        target === null
          ? "no target"
          : [c.weekAtOrAboveTarget ? "this week" : null, c.termAtOrAboveTarget ? "this term" : null]
              .filter(Boolean)
              .join(" and ") || "no",
      render: (c) => (
        <>
          {c.weekAtOrAboveTarget ? (
            <CertificateLink
              href={classCertificate(c, "kind=at_target&period=week")}
              forWhom={c.name}
              label="This week"
            />
          ) : null}{" "}
          {c.termAtOrAboveTarget ? (
            <CertificateLink
              href={classCertificate(c, "kind=at_target&period=term")}
              forWhom={c.name}
              label="This term"
            />
          ) : null}
          {!c.weekAtOrAboveTarget && !c.termAtOrAboveTarget ? "–" : null}
        </>
      ),
    },
  ];
  const improvedColumns: Column<ImprovedPupilView>[] = [
    pupilNameColumn(),
    { key: "group", label: "Group", value: (p) => p.group },
    {
      key: "before",
      label: data?.periods.previousHalfTerm?.label ?? "Before",
      value: (p) => sortable(p.before),
      render: (p) => percent(p.before),
      numeric: true,
    },
    {
      key: "now",
      label: data?.periods.halfTerm.label ?? "Now",
      value: (p) => sortable(p.now),
      render: (p) => percent(p.now),
      numeric: true,
    },
    {
      key: "points",
      label: "Rise (points)",
      value: (p) => Number(p.points),
      render: (p) => p.points,
      numeric: true,
    },
    {
      key: "certificate",
      label: "Certificate",
      value: () => null,
      render: (p) => (
        <CertificateLink href={pupilCertificate(p, "kind=most_improved")} forWhom={p.name} />
      ),
    },
  ];

  return (
    <section>
      <h1>Rewards</h1>
      <label className="inline">
        Week of
        <input type="date" value={week} max={today} onChange={(e) => setWeek(e.target.value)} />
      </label>
      <ErrorNotice error={error} />
      {!data ? (
        <Loading what="rewards" />
      ) : (
        <>
          {data.notes.map((note) => (
            <Notice key={note} tone="warning">
              {note}
            </Notice>
          ))}
          <h2>Best class: {data.periods.week.label}</h2>
          {data.bestClasses.length === 0 ? (
            <p className="muted">No class had a possible session that week.</p>
          ) : (
            <ul className="cards">
              {data.bestClasses.map((c) => (
                <li key={c.groupId} className="card">
                  <strong>{c.name}</strong>: {percent(c.week)} ({c.week.attended} of{" "}
                  {count(c.week.possible, "session")})
                  {data.bestClasses.length > 1 ? " (shared)" : ""}{" "}
                  <CertificateLink
                    href={classCertificate(c, "kind=best_class")}
                    forWhom={`${c.name}, best class`}
                  />
                </li>
              ))}
            </ul>
          )}
          <Table
            caption={`Classes: ${data.periods.week.label} and ${data.periods.term.label}${target === null ? "" : ` (target ${target}%)`}`}
            rowKey={(c) => c.groupId}
            rows={data.classes}
            columns={classColumns}
          />
          <Table
            caption={`100% attendance: ${data.periods.term.label} to ${dayLabel(data.asOf)}`}
            rowKey={(p) => p.pupilId}
            rows={data.fullAttendance.term}
            columns={fullColumns("term")}
            empty="No pupil has 100% attendance this term."
          />
          <Table
            caption={`100% attendance: ${data.periods.year.label} to ${dayLabel(data.asOf)}`}
            rowKey={(p) => p.pupilId}
            rows={data.fullAttendance.year}
            columns={fullColumns("year")}
            empty="No pupil has 100% attendance this year."
          />
          <Table
            caption="Most improved"
            rowKey={(p) => p.pupilId}
            rows={data.mostImproved.pupils}
            columns={improvedColumns}
            empty="No pupil's attendance has risen enough to judge."
          />
          <p className="muted">{data.mostImproved.rule.statement}</p>
        </>
      )}
    </section>
  );
}
