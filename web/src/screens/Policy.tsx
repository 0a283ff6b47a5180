import { useEffect, useMemo, useState } from "react";
import { Link } from "react-router";
import type { Duration } from "../../../src/domain/policy/fields.ts";
import type {
  PolicyInForce,
  PresetList,
  SimulationView as Simulation,
} from "../../../src/server/policy/policy.schema.ts";
import { api, londonToday } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";

const DURATION_UNITS: [Duration["unit"], string][] = [
  ["school_days", "school days"],
  ["school_weeks", "school weeks"],
  ["sessions", "sessions"],
  ["calendar_weeks", "weeks"],
  ["calendar_days", "days"],
];

/** The policy as the API stores it; the editor changes numbers and names and leaves the shape alone. */
interface Policy {
  name: string;
  preset?: string;
  target: number;
  bands: { id: string; name: string; colour: string; min: number }[];
  stages: {
    id: string;
    name: string;
    order: number;
    review?: { weeks: number; unit?: "calendar_weeks" | "school_weeks" };
    status?: string;
    cadence?: { what: "contact" | "review"; everyWeeks: number }[];
  }[];
  leave?: {
    exceptionalCircumstances?: string[];
    holidaysRefused?: boolean;
    refusalLetter?: string;
    penaltyWithoutNoticeToImprove?: boolean;
  };
  casework?: {
    noticeToImproveReviewWeeks?: number;
    noticeToImprovePeriod?: Duration;
    referralDuringNoticeToImprove?: boolean;
    [key: string]: unknown;
  };
  triggers: {
    id: string;
    name: string;
    when: Condition;
    actions: { type: string; [key: string]: unknown }[];
    inStage?: string;
  }[];
  [key: string]: unknown;
}
type Condition = { kind: string; [key: string]: unknown };
type Path = (string | number)[];

interface Term {
  label: string;
  from: string;
  to: string;
}

/** A kind of condition as the server describes it (GET /api/policy-presets): the editor knows no kind itself. */
export type ConditionKind = PresetList["conditionKinds"][number];

/** A field's value in a heading: codes joined, a window by its unit or period, words spaced. */
function shown(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return value.join(" ");
  if (value && typeof value === "object")
    return Object.values(value)
      .filter((v) => typeof v === "string")
      .map((v) => v.replaceAll("_", " "))
      .join(" ");
  return String(value).replaceAll("_", " ");
}

function heading(condition: Condition, kind: ConditionKind | undefined): string {
  if (!kind) return condition.kind.replaceAll("_", " ");
  return kind.title
    .replace(/\{(\w+)\}/g, (_, field: string) => shown(condition[field]))
    .replace(/\s+/g, " ")
    .trim();
}

/** Every number in a condition tree a school would want to adjust, with where it lives. */
export function thresholdsOf(
  condition: Condition,
  kinds: readonly ConditionKind[],
  path: Path = [],
): { path: Path; label: string; value: number }[] {
  const kind = kinds.find((k) => k.kind === condition.kind);
  const fields = new Map((kind?.fields ?? []).map((f) => [f.path, f]));
  const found: { path: Path; label: string; value: number }[] = [];
  const offer = (at: Path, value: unknown) => {
    const field = fields.get(at.join("."));
    if (field?.adjustable && typeof value === "number")
      found.push({
        path: [...path, ...at],
        label: `${heading(condition, kind)}: ${field.label}`,
        value,
      });
  };
  // In the condition's own order, so the boxes follow the document.
  for (const [key, value] of Object.entries(condition)) {
    const field = fields.get(key);
    if (field?.conditions === "list" && Array.isArray(value))
      for (const [i, c] of (value as Condition[]).entries())
        found.push(...thresholdsOf(c, kinds, [...path, key, i]));
    else if (field?.conditions === "one" && value && typeof value === "object")
      found.push(...thresholdsOf(value as Condition, kinds, [...path, key]));
    else if (value && typeof value === "object" && !Array.isArray(value))
      for (const [inner, v] of Object.entries(value)) offer([key, inner], v);
    else offer([key], value);
  }
  return found;
}

/** Every duration in a condition tree ("in the stage for 6 school weeks"), with where its unit lives. */
export function durationsOf(
  condition: Condition,
  kinds: readonly ConditionKind[],
  path: Path = [],
): { path: Path; label: string; value: string }[] {
  const kind = kinds.find((k) => k.kind === condition.kind);
  const found: { path: Path; label: string; value: string }[] = [];
  for (const [key, value] of Object.entries(condition)) {
    const field = kind?.fields.find((f) => f.path === key);
    if (field?.conditions === "list" && Array.isArray(value))
      for (const [i, c] of (value as Condition[]).entries())
        found.push(...durationsOf(c, kinds, [...path, key, i]));
    else if (field?.conditions === "one" && value && typeof value === "object")
      found.push(...durationsOf(value as Condition, kinds, [...path, key]));
    else if (
      key === "forAtLeast" &&
      value &&
      typeof value === "object" &&
      typeof (value as { unit?: unknown }).unit === "string"
    )
      found.push({
        path: [...path, key, "unit"],
        label: `${heading(condition, kind)}: ${field?.label ?? key} in`,
        value: (value as { unit: string }).unit,
      });
  }
  return found;
}

function setAt<T>(root: T, path: Path, value: unknown): T {
  const copy = structuredClone(root);
  let node = copy as Record<string | number, unknown>;
  // A missing object on the way (a policy with no casework settings yet) is created.
  for (const key of path.slice(0, -1)) {
    if (node[key] === undefined) node[key] = {};
    node = node[key] as Record<string | number, unknown>;
  }
  node[path[path.length - 1] as string | number] = value;
  return copy;
}

/** The terms that have started, from the school calendar, newest first; the default is the last whole one. */
function termsOf(
  years: { startYear: number; halfTerms: { term: string; start: string; end: string }[] }[],
  today: string,
): Term[] {
  const terms: Term[] = [];
  for (const year of years) {
    for (const term of [...new Set(year.halfTerms.map((h) => h.term))]) {
      const halves = year.halfTerms.filter((h) => h.term === term);
      const from = halves.map((h) => h.start).sort()[0] as string;
      const end = halves.map((h) => h.end).sort()[halves.length - 1] as string;
      if (from > today) continue;
      const to = end < today ? end : today;
      const spans =
        from.slice(0, 4) === end.slice(0, 4)
          ? from.slice(0, 4)
          : `${from.slice(0, 4)}/${end.slice(2, 4)}`;
      terms.push({ label: `${term} ${spans}${end >= today ? " (so far)" : ""}`, from, to });
    }
  }
  return terms.sort((a, b) => (a.from < b.from ? 1 : -1));
}

function Comparison({ current, draft }: { current: Simulation | null; draft: Simulation }) {
  const names = new Map<string, string>();
  for (const t of [...(current?.byTrigger ?? []), ...draft.byTrigger])
    names.set(t.triggerId, t.name);
  const rows = [...names].map(([id, name]) => {
    const was = current?.byTrigger.find((t) => t.triggerId === id);
    const now = draft.byTrigger.find((t) => t.triggerId === id);
    return {
      id,
      name,
      was: was?.pupils ?? 0,
      now: now?.pupils ?? 0,
      proposals: now?.proposals ?? 0,
    };
  });
  return (
    <Table
      caption="Pupils each trigger would have proposed for"
      rowKey={(r) => r.id}
      rows={rows}
      columns={[
        { key: "name", label: "Trigger", value: (r) => r.name },
        { key: "was", label: "Policy in force (pupils)", value: (r) => r.was, numeric: true },
        { key: "now", label: "Draft (pupils)", value: (r) => r.now, numeric: true },
        {
          key: "change",
          label: "Change",
          value: (r) => r.now - r.was,
          render: (r) => (r.now === r.was ? "same" : `${r.now > r.was ? "+" : ""}${r.now - r.was}`),
          numeric: true,
        },
        { key: "proposals", label: "Draft (proposals)", value: (r) => r.proposals, numeric: true },
      ]}
    />
  );
}

export function PolicyEditor() {
  const { schoolId, can } = useSession();
  const base = `/api/schools/${schoolId}`;
  // The editor reads the document loosely (it walks conditions by path), so its own view of it.
  const stored = useApi<Omit<PolicyInForce, "policy"> & { policy: Policy }>(
    schoolId ? `${base}/policy` : null,
  );
  const presets = useApi<PresetList>("/api/policy-presets");
  const calendar = useApi<{
    academicYears: {
      startYear: number;
      halfTerms: { term: string; start: string; end: string }[];
    }[];
  }>(schoolId ? `${base}/calendar` : null);
  const [draft, setDraft] = useState<Policy | null>(null);
  const [json, setJson] = useState("");
  const [chosenTerm, setTermIndex] = useState<number | null>(null);
  const [simulated, setSimulated] = useState<{
    current: Simulation | null;
    draft: Simulation;
  } | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const canSave = can("school.setup");
  const today = londonToday();
  const terms = useMemo(
    () => termsOf(calendar.data?.academicYears ?? [], today),
    [calendar.data, today],
  );
  // Until someone chooses, the last whole term: derived, not set by an effect, so the first
  // render with the calendar already shows it.
  const termIndex =
    chosenTerm ??
    Math.max(
      terms.findIndex((t) => !t.label.endsWith("(so far)")),
      0,
    );

  useEffect(() => {
    if (stored.data && !draft) setDraft(stored.data.policy);
  }, [stored.data, draft]);

  const change = (next: Policy) => {
    setDraft(next);
    setSimulated(null);
    setMessage(null);
  };
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  const simulate = () =>
    run(async () => {
      const term = terms[termIndex];
      if (!term || !draft) return;
      const ask = (policy?: Policy) =>
        api.post<Simulation>(`${base}/policy/simulate`, {
          from: term.from,
          to: term.to,
          limit: 200,
          ...(policy ? { policy } : {}),
        });
      const [draftRun, currentRun] = await Promise.all([
        ask(draft),
        stored.data ? ask() : Promise.resolve(null),
      ]);
      setSimulated({ draft: draftRun, current: currentRun });
    });

  if (stored.error && !draft && !(stored.error as { status?: number }).status)
    return <ErrorNotice error={stored.error} />;
  if (!presets.data || (!draft && !stored.error)) return <Loading what="the policy" />;
  const { conditionKinds } = presets.data;
  return (
    <section>
      <h1>Attendance policy</h1>
      <p>
        {stored.data ? (
          <>
            In force: <strong>{stored.data.policy.name}</strong>, version {stored.data.version},
            saved by {stored.data.createdBy} on{" "}
            {new Date(stored.data.createdAt).toLocaleDateString("en-GB")}.{" "}
            <Link to="/attendance-policy">What families read</Link>: the same policy in their words,
            on their portal and as a PDF.
          </>
        ) : (
          "This school has no policy yet: start from a preset."
        )}
      </p>
      <ErrorNotice error={error} />
      {message && <Notice tone="success">{message}</Notice>}
      <div className="row">
        <label>
          Start from a preset
          <select
            defaultValue=""
            onChange={(e) => {
              const preset = e.target.value;
              if (preset)
                void run(async () =>
                  change(
                    (await api.get<{ policy: Policy }>(`/api/policy-presets/${preset}`)).policy,
                  ),
                );
            }}
          >
            <option value="">Choose a preset…</option>
            {presets.data.presets.map((p) => (
              <option key={p.preset} value={p.preset}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        {stored.data && (
          <button
            type="button"
            className="secondary"
            onClick={() => stored.data && change(stored.data.policy)}
          >
            Back to the policy in force
          </button>
        )}
      </div>
      {draft && (
        <>
          <h2>Draft: {draft.name}</h2>
          <div className="row">
            <label>
              Name
              <input
                value={draft.name}
                onChange={(e) => change({ ...draft, name: e.target.value })}
              />
            </label>
            <label>
              Target attendance (%)
              <input
                type="number"
                step="0.1"
                min="0"
                max="100"
                value={draft.target}
                onChange={(e) => change({ ...draft, target: Number(e.target.value) })}
              />
            </label>
          </div>
          <h3>Bands</h3>
          <table className="data">
            <caption className="visually-hidden">Attendance bands</caption>
            <thead>
              <tr>
                <th scope="col">Band</th>
                <th scope="col">From (%)</th>
                <th scope="col">Colour</th>
              </tr>
            </thead>
            <tbody>
              {draft.bands.map((band, i) => (
                <tr key={band.id}>
                  <td>
                    <input
                      aria-label={`Name of band ${i + 1}`}
                      value={band.name}
                      onChange={(e) => change(setAt(draft, ["bands", i, "name"], e.target.value))}
                    />
                  </td>
                  <td>
                    <input
                      aria-label={`${band.name} from (%)`}
                      type="number"
                      step="0.1"
                      min="0"
                      max="100"
                      value={band.min}
                      onChange={(e) =>
                        change(setAt(draft, ["bands", i, "min"], Number(e.target.value)))
                      }
                    />
                  </td>
                  <td>
                    <input
                      aria-label={`${band.name} colour`}
                      type="color"
                      value={band.colour}
                      onChange={(e) => change(setAt(draft, ["bands", i, "colour"], e.target.value))}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3>Stages</h3>
          <ol>
            {draft.stages.map((stage, i) => (
              <li key={stage.id} className="row">
                <input
                  aria-label={`Name of stage ${i + 1}`}
                  value={stage.name}
                  onChange={(e) => change(setAt(draft, ["stages", i, "name"], e.target.value))}
                />
                {stage.review && (
                  <label>
                    Review after (weeks)
                    <input
                      type="number"
                      min="1"
                      max="52"
                      value={stage.review.weeks}
                      onChange={(e) =>
                        change(
                          setAt(draft, ["stages", i, "review", "weeks"], Number(e.target.value)),
                        )
                      }
                    />
                  </label>
                )}
                {stage.review && (
                  <label>
                    Counted in
                    <select
                      value={stage.review.unit ?? "calendar_weeks"}
                      onChange={(e) =>
                        change(setAt(draft, ["stages", i, "review", "unit"], e.target.value))
                      }
                    >
                      <option value="calendar_weeks">weeks</option>
                      <option value="school_weeks">school weeks (holidays skipped)</option>
                    </select>
                  </label>
                )}
                <label>
                  Status while in the stage
                  <input
                    value={stage.status ?? ""}
                    placeholder="e.g. On an attendance plan"
                    onChange={(e) =>
                      change(setAt(draft, ["stages", i, "status"], e.target.value || undefined))
                    }
                  />
                </label>
                {(stage.cadence ?? []).map((c, j) => (
                  <label key={c.what}>
                    {c.what === "contact"
                      ? "Contact the family every (weeks)"
                      : "Review every (weeks)"}
                    <input
                      type="number"
                      min="1"
                      max="8"
                      value={c.everyWeeks}
                      onChange={(e) =>
                        change(
                          setAt(
                            draft,
                            ["stages", i, "cadence", j, "everyWeeks"],
                            Number(e.target.value),
                          ),
                        )
                      }
                    />
                  </label>
                ))}
              </li>
            ))}
          </ol>
          <h3>Notice to improve</h3>
          <div className="row">
            <label>
              Period
              <input
                type="number"
                min="1"
                max="1000"
                value={
                  draft.casework?.noticeToImprovePeriod?.length ??
                  draft.casework?.noticeToImproveReviewWeeks ??
                  3
                }
                onChange={(e) =>
                  change(
                    setAt(draft, ["casework", "noticeToImprovePeriod"], {
                      unit: draft.casework?.noticeToImprovePeriod?.unit ?? "calendar_weeks",
                      length: Number(e.target.value),
                    }),
                  )
                }
              />
            </label>
            <label>
              Counted in
              <select
                value={draft.casework?.noticeToImprovePeriod?.unit ?? "calendar_weeks"}
                onChange={(e) =>
                  change(
                    setAt(draft, ["casework", "noticeToImprovePeriod"], {
                      length:
                        draft.casework?.noticeToImprovePeriod?.length ??
                        draft.casework?.noticeToImproveReviewWeeks ??
                        3,
                      unit: e.target.value,
                    }),
                  )
                }
              >
                {DURATION_UNITS.map(([unit, label]) => (
                  <option key={unit} value={unit}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <label className="inline">
              <input
                type="checkbox"
                checked={draft.casework?.referralDuringNoticeToImprove ?? false}
                onChange={(e) =>
                  change(
                    setAt(draft, ["casework", "referralDuringNoticeToImprove"], e.target.checked),
                  )
                }
              />
              Allow a penalty-notice referral during the notice when unauthorised absence continues
            </label>
          </div>
          <h3>Leave of absence</h3>
          <div className="row">
            <label className="inline">
              <input
                type="checkbox"
                checked={draft.leave?.holidaysRefused ?? true}
                onChange={(e) =>
                  change(setAt(draft, ["leave", "holidaysRefused"], e.target.checked))
                }
              />
              A holiday is never an exceptional circumstance
            </label>
            <label className="inline">
              <input
                type="checkbox"
                checked={draft.leave?.penaltyWithoutNoticeToImprove ?? true}
                onChange={(e) =>
                  change(setAt(draft, ["leave", "penaltyWithoutNoticeToImprove"], e.target.checked))
                }
              />
              Refused leave taken anyway: penalty notice without a notice to improve
            </label>
            <label>
              Refusal letter
              <input
                value={draft.leave?.refusalLetter ?? ""}
                placeholder="leave_refused"
                onChange={(e) =>
                  change(setAt(draft, ["leave", "refusalLetter"], e.target.value || undefined))
                }
              />
            </label>
          </div>
          {(draft.leave?.exceptionalCircumstances ?? []).length > 0 && (
            <ul aria-label="Exceptional circumstances the policy names">
              {draft.leave?.exceptionalCircumstances?.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          )}
          <h3>Triggers</h3>
          <ul className="cards">
            {draft.triggers.map((trigger, i) => (
              <li key={trigger.id} className="card">
                <input
                  aria-label={`Name of trigger ${i + 1}`}
                  className="wide"
                  value={trigger.name}
                  onChange={(e) => change(setAt(draft, ["triggers", i, "name"], e.target.value))}
                />
                <p className="muted">
                  {trigger.inStage ? `In stage: ${trigger.inStage}. ` : ""}Then:{" "}
                  {trigger.actions
                    .map((a) => Object.values(a).join(" ").replaceAll("_", " "))
                    .join("; ")}
                </p>
                <div className="row">
                  {thresholdsOf(trigger.when, conditionKinds, ["triggers", i, "when"]).map((t) => (
                    <label key={t.path.join(".")}>
                      {t.label}
                      <input
                        type="number"
                        step="any"
                        min="0"
                        value={t.value}
                        onChange={(e) => change(setAt(draft, t.path, Number(e.target.value)))}
                      />
                    </label>
                  ))}
                  {durationsOf(trigger.when, conditionKinds, ["triggers", i, "when"]).map((d) => (
                    <label key={d.path.join(".")}>
                      {d.label}
                      <select
                        value={d.value}
                        onChange={(e) => change(setAt(draft, d.path, e.target.value))}
                      >
                        {DURATION_UNITS.map(([unit, words]) => (
                          <option key={unit} value={unit}>
                            {words}
                          </option>
                        ))}
                      </select>
                    </label>
                  ))}
                </div>
              </li>
            ))}
          </ul>
          <details
            onToggle={(e) => {
              if ((e.target as HTMLDetailsElement).open) setJson(JSON.stringify(draft, null, 2));
            }}
          >
            <summary>Edit the whole policy as JSON (stages, actions, conditions)</summary>
            <textarea
              aria-label="Policy as JSON"
              rows={24}
              value={json}
              onChange={(e) => setJson(e.target.value)}
            />
            <button
              type="button"
              className="secondary"
              onClick={() => {
                try {
                  change(JSON.parse(json) as Policy);
                  setError(null);
                } catch (e) {
                  setError(new Error(`That is not valid JSON: ${(e as Error).message}`));
                }
              }}
            >
              Use this JSON
            </button>
          </details>
          <h2>Simulate before saving</h2>
          <div className="row">
            <label>
              Against
              <select value={termIndex} onChange={(e) => setTermIndex(Number(e.target.value))}>
                {terms.map((t, i) => (
                  <option key={t.from} value={i}>
                    {t.label} ({t.from} to {t.to})
                  </option>
                ))}
              </select>
            </label>
            <button
              type="button"
              disabled={busy || terms.length === 0}
              onClick={() => void simulate()}
            >
              {busy ? "Working…" : "Simulate"}
            </button>
            {canSave && (
              <button
                type="button"
                disabled={busy || !simulated}
                title={simulated ? undefined : "Simulate the draft first"}
                onClick={() =>
                  void run(async () => {
                    const saved = await api.put<{ version: number }>(`${base}/policy`, draft);
                    setMessage(
                      `Saved as version ${saved.version}. It applies from the next evaluation.`,
                    );
                    setDraft(null);
                    setSimulated(null);
                    stored.reload();
                  })
                }
              >
                Save as the school's policy
              </button>
            )}
          </div>
          {!canSave && (
            <p className="muted">
              Only the head of school saves the policy; you can simulate drafts.
            </p>
          )}
          {simulated && (
            <div aria-live="polite">
              <p>
                Over {simulated.draft.schoolDays} school days and {simulated.draft.pupils} pupils
                the draft would have made <strong>{simulated.draft.totalProposals}</strong>{" "}
                proposals
                {simulated.current
                  ? ` (the policy in force: ${simulated.current.totalProposals})`
                  : ""}
                . Nothing was changed.
              </p>
              <Comparison current={simulated.current} draft={simulated.draft} />
              <Table
                caption="The draft's first proposals"
                rowKey={(p) => `${p.date}${p.name}${p.triggerName}`}
                rows={simulated.draft.proposals.slice(0, 50)}
                columns={[
                  { key: "date", label: "Date", value: (p) => p.date },
                  { key: "name", label: "Pupil", value: (p) => p.name },
                  { key: "trigger", label: "Trigger", value: (p) => p.triggerName },
                  {
                    key: "why",
                    label: "Why",
                    value: (p) => `${p.explanation}${p.manualReview ? " (a person decides)" : ""}`,
                  },
                ]}
              />
            </div>
          )}
        </>
      )}
    </section>
  );
}
