import { type FormEvent, useEffect, useState } from "react";
import type {
  MisConflictView,
  MisConnectBody,
  MisStatusView,
} from "../../../src/server/mis/mis.schema.ts";
import { api } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";

const STATE_LABEL: Record<string, string> = {
  active: "Connected",
  paused: "Paused",
  token_refused: "Token refused: approve Rollbook in Wonde again and check the token",
};
const COUNT_LABEL: [string, string][] = [
  ["read", "pupils read"],
  ["added", "admitted"],
  ["changed", "changed"],
  ["unchanged", "unchanged"],
  ["left", "left the roll"],
  ["contacts", "contacts"],
  ["photos", "photos stored"],
  ["marksRecorded", "marks recorded"],
  ["conflicts", "disagreements"],
];
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString("en-GB") : "never");

/** Settings > MIS: the connection, syncs with their progress and errors, writeback and conflicts. */
export function MisSettings() {
  const { schoolId, can } = useSession();
  const path = schoolId && can("school.setup") ? `/api/schools/${schoolId}/mis` : null;
  const status = useApi<MisStatusView>(path);
  const [error, setError] = useState<Error | null>(null);
  const running = status.data?.runs[0]?.state === "running";
  const { reload } = status;
  // While a run is going, its progress is read every second.
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(reload, 1000);
    return () => clearInterval(timer);
  }, [running, reload]);
  if (!can("school.setup"))
    return <p>Only the head or an administrator connects the school's MIS.</p>;
  const s = status.data;
  async function runNow() {
    setError(null);
    try {
      await api.post(`${path}/sync`);
      reload();
    } catch (e) {
      setError(e as Error);
    }
  }
  const run = s?.runs[0];
  return (
    <section>
      <h1>MIS</h1>
      <ErrorNotice error={status.error ?? error} />
      {!s ? (
        !status.error && <Loading what="the MIS connection" />
      ) : (
        <>
          {s.connection ? (
            <>
              <p>
                <strong>{STATE_LABEL[s.connection.state] ?? s.connection.state}</strong>: Wonde
                school {s.connection.providerSchoolId}, token in {s.connection.tokenRef}. Changes
                read up to {when(s.connection.syncedUntil)}; every ten minutes while the server
                runs.
              </p>
              <button type="button" onClick={() => void runNow()} disabled={running}>
                {running ? "Syncing…" : "Sync now"}
              </button>
            </>
          ) : (
            <Notice tone="warning">No MIS is connected yet.</Notice>
          )}
          {run ? (
            <div aria-live="polite">
              <h2>{run.state === "running" ? "Sync in progress" : `Last sync: ${run.state}`}</h2>
              {run.state === "running" ? (
                <p>
                  {run.step}: {run.done}
                  {run.total > run.done ? ` of ${run.total}` : ""}{" "}
                  <progress
                    aria-label="Sync progress"
                    max={Math.max(run.total, run.done, 1)}
                    value={run.done}
                  />
                </p>
              ) : (
                <p>
                  {run.kind === "initial" ? "Initial load" : "Changes"} started{" "}
                  {when(run.startedAt)} ({run.trigger}), finished {when(run.finishedAt)}:{" "}
                  {COUNT_LABEL.map(([key, label]) => `${run.counts[key] ?? 0} ${label}`).join(", ")}
                  .
                </p>
              )}
              {run.errors.length > 0 ? (
                <>
                  <h3>Problems in this sync</h3>
                  <ul>
                    {run.errors.map((e) => (
                      <li key={e}>{e}</li>
                    ))}
                  </ul>
                </>
              ) : null}
            </div>
          ) : null}
          {s.connection ? <Writeback status={s} /> : null}
          {s.connection && can("marks.amend") ? (
            // Read again once a run finishes: it may have found new disagreements.
            <Conflicts
              key={`${run?.id}-${run?.state}`}
              schoolId={schoolId as number}
              onDecided={reload}
            />
          ) : null}
          <Connect path={path as string} current={s.connection} onSaved={reload} />
        </>
      )}
    </section>
  );
}

function Writeback({ status }: { status: MisStatusView }) {
  const count = (state: string) => status.writeback.find((w) => w.state === state)?.marks ?? 0;
  return (
    <>
      <h2>Registers sent to the MIS</h2>
      <p>
        {count("written")} written, {count("pending")} waiting, {count("held")} held for a decision,{" "}
        {count("refused")} refused by the MIS.
      </p>
      {status.refused.length > 0 ? (
        <Table
          caption="Marks the MIS refused or has not yet taken"
          rowKey={(r) => r.id}
          rows={status.refused}
          firstRows={10}
          columns={[
            { key: "pupil", label: "Pupil", value: (r) => r.pupil },
            { key: "date", label: "Date", value: (r) => r.date },
            { key: "session", label: "Session", value: (r) => r.session },
            { key: "code", label: "Mark", value: (r) => r.code },
            { key: "state", label: "State", value: (r) => r.state },
            { key: "reason", label: "Why", value: (r) => r.reason },
          ]}
        />
      ) : null}
    </>
  );
}

function Conflicts({ schoolId, onDecided }: { schoolId: number; onDecided: () => void }) {
  const list = useApi<{ conflicts: MisConflictView[] }>(`/api/schools/${schoolId}/mis/conflicts`);
  const [reason, setReason] = useState("");
  const [error, setError] = useState<Error | null>(null);
  async function decide(id: number, decision: "keep_ours" | "take_theirs") {
    setError(null);
    try {
      await api.post(`/api/schools/${schoolId}/mis/conflicts/${id}/decide`, { decision, reason });
      list.reload();
      onDecided();
    } catch (e) {
      setError(e as Error);
    }
  }
  const conflicts = list.data?.conflicts ?? [];
  return (
    <>
      <h2>Marks the MIS and Rollbook disagree on</h2>
      <ErrorNotice error={list.error ?? error} />
      {conflicts.length === 0 ? (
        <p>None: the MIS and Rollbook agree.</p>
      ) : (
        <>
          <label>
            Reason, for the register's history
            <input value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <Table
            caption="Disagreements for the office to decide"
            rowKey={(c) => c.id}
            rows={conflicts}
            columns={[
              { key: "pupil", label: "Pupil", value: (c) => c.pupil },
              { key: "date", label: "Date", value: (c) => `${c.date} ${c.session}` },
              { key: "ours", label: "Rollbook", value: (c) => c.ours },
              { key: "theirs", label: "MIS", value: (c) => c.theirs },
              { key: "when", label: "MIS changed", value: (c) => when(c.theirsAt) },
              {
                key: "decide",
                label: "Decide",
                value: () => "",
                render: (c) => (
                  <>
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => void decide(c.id, "keep_ours")}
                    >
                      Keep {c.ours}
                    </button>{" "}
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => void decide(c.id, "take_theirs")}
                    >
                      Take {c.theirs}
                    </button>
                  </>
                ),
              },
            ]}
          />
        </>
      )}
    </>
  );
}

function Connect({
  path,
  current,
  onSaved,
}: {
  path: string;
  current: MisStatusView["connection"];
  onSaved: () => void;
}) {
  const [fields, setFields] = useState({
    providerSchoolId: current?.providerSchoolId ?? "",
    baseUrl: current?.baseUrl ?? "https://api.wonde.com/v1.0",
    tokenRef: current?.tokenRef ?? "env:WONDE_TOKEN",
  });
  const [error, setError] = useState<Error | null>(null);
  const [saved, setSaved] = useState(false);
  const set = (name: keyof typeof fields) => (e: { target: { value: string } }) =>
    setFields((f) => ({ ...f, [name]: e.target.value }));
  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setSaved(false);
    try {
      const body: MisConnectBody = { provider: "wonde", ...fields };
      await api.put(path, body);
      setSaved(true);
      onSaved();
    } catch (e) {
      setError(e as Error);
    }
  }
  return (
    <form onSubmit={submit} aria-label="MIS connection" className="login" style={{ margin: 0 }}>
      <h2>{current ? "Change the connection" : "Connect through Wonde"}</h2>
      <ErrorNotice error={error} />
      {saved ? <Notice tone="success">Saved. Sync now for the first load.</Notice> : null}
      <label>
        The school's id in Wonde
        <input value={fields.providerSchoolId} onChange={set("providerSchoolId")} required />
      </label>
      <label>
        Wonde's address
        <input value={fields.baseUrl} onChange={set("baseUrl")} required />
      </label>
      <label>
        Where the server keeps the token (env:NAME, never the token itself)
        <input value={fields.tokenRef} onChange={set("tokenRef")} required />
      </label>
      <button type="submit">Save</button>
    </form>
  );
}
