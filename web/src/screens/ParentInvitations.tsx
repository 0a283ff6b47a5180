import { useState } from "react";
import type {
  InvitationPreview,
  ParentInvitationsBody,
  ParentInvitationsResult,
} from "../../../src/server/users/users.schema.ts";
import { api } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";

interface SchoolGroups {
  yearGroups: { id: number; name: string }[];
  registrationGroups: { id: number; name: string; year_group_id: number | null }[];
}

/**
 * Invite parents in bulk: choose forms or year groups (or the whole school), see who will and
 * will not be invited and why, then invite with one button. One request per form, so the bar
 * moves as each form's invitations are queued in the outbox.
 */
export function ParentInvitations() {
  const { schoolId } = useSession();
  const school = useApi<SchoolGroups>(schoolId ? `/api/schools/${schoolId}` : null);
  const [years, setYears] = useState<number[]>([]);
  const [forms, setForms] = useState<number[]>([]);
  const [preview, setPreview] = useState<InvitationPreview | null>(null);
  const [progress, setProgress] = useState<{ done: number; of: number } | null>(null);
  const [result, setResult] = useState<ParentInvitationsResult | null>(null);
  const [error, setError] = useState<Error | null>(null);
  if (!schoolId) return <p>Choose a school first.</p>;
  if (!school.data) return <Loading what="the school's forms" />;
  const groups = school.data;
  const toggle = (list: number[], set: (l: number[]) => void, id: number) => {
    set(list.includes(id) ? list.filter((x) => x !== id) : [...list, id]);
    setPreview(null);
    setResult(null);
  };
  const selection: ParentInvitationsBody = {
    schoolId,
    registrationGroupIds: forms,
    yearGroupIds: years,
  };
  // The forms the invitations go out by: those chosen, those of the chosen years, or all.
  const batches = groups.registrationGroups.filter(
    (g) =>
      (forms.length === 0 && years.length === 0) ||
      forms.includes(g.id) ||
      (g.year_group_id !== null && years.includes(g.year_group_id)),
  );
  const showPreview = async () => {
    setError(null);
    setResult(null);
    try {
      setPreview(
        await api.post<InvitationPreview>("/api/users/invitations/parents/preview", selection),
      );
    } catch (e) {
      setError(e as Error);
    }
  };
  const invite = async () => {
    setError(null);
    const total: ParentInvitationsResult = { invited: 0, linked: 0, skipped: [] };
    setProgress({ done: 0, of: batches.length });
    try {
      for (const [i, form] of batches.entries()) {
        const done = await api.post<ParentInvitationsResult>("/api/users/invitations/parents", {
          schoolId,
          registrationGroupIds: [form.id],
        });
        total.invited += done.invited;
        total.linked += done.linked;
        total.skipped.push(...done.skipped);
        setProgress({ done: i + 1, of: batches.length });
      }
      setResult(total);
      setPreview(null);
    } catch (e) {
      setError(e as Error);
    } finally {
      setProgress(null);
    }
  };
  return (
    <section>
      <h1>Invite parents</h1>
      <p>
        Contacts with parental responsibility and an email address get an email with a link to
        choose their password. Nobody is emailed twice.
      </p>
      <ErrorNotice error={error ?? school.error} />
      <fieldset>
        <legend>Year groups (none chosen, and no form: the whole school)</legend>
        {groups.yearGroups.map((y) => (
          <label key={y.id} className="inline">
            <input
              type="checkbox"
              checked={years.includes(y.id)}
              onChange={() => toggle(years, setYears, y.id)}
            />{" "}
            {y.name}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Forms</legend>
        {groups.registrationGroups.map((g) => (
          <label key={g.id} className="inline">
            <input
              type="checkbox"
              checked={forms.includes(g.id)}
              onChange={() => toggle(forms, setForms, g.id)}
            />{" "}
            {g.name}
          </label>
        ))}
      </fieldset>
      <button type="button" onClick={() => void showPreview()}>
        Show who will be invited
      </button>
      {preview ? (
        <>
          <h2>Will be invited ({preview.invite.length})</h2>
          <Families rows={preview.invite} caption="Parents who will be emailed an invitation" />
          {preview.link.length > 0 ? (
            <>
              <h2>Already have an account: children added ({preview.link.length})</h2>
              <Families rows={preview.link} caption="Parent accounts that gain a child" />
            </>
          ) : null}
          <h2>Will not be invited ({preview.notInvited.length})</h2>
          <div className="table-scroll">
            <table>
              <caption>Contacts left out, and why</caption>
              <thead>
                <tr>
                  <th scope="col">Contact</th>
                  <th scope="col">Pupil</th>
                  <th scope="col">Why not</th>
                </tr>
              </thead>
              <tbody>
                {preview.notInvited.map((n) => (
                  <tr key={`${n.name}-${n.pupil}-${n.reason}`}>
                    <td>{n.name}</td>
                    <td>{n.pupil}</td>
                    <td>{n.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <button
            type="button"
            disabled={progress !== null || preview.invite.length + preview.link.length === 0}
            onClick={() => void invite()}
          >
            Invite {preview.invite.length} parent{preview.invite.length === 1 ? "" : "s"}
          </button>
        </>
      ) : null}
      {progress ? (
        <p>
          <label htmlFor="invite-progress">
            Inviting: {progress.done} of {progress.of} forms
          </label>{" "}
          <progress id="invite-progress" max={progress.of} value={progress.done} />
        </p>
      ) : null}
      {result ? (
        <Notice tone="success">
          {result.invited} invited, {result.linked} existing accounts given their children
          {result.skipped.length > 0
            ? `; not invited: ${result.skipped.map((s) => `${s.email} (${s.reason})`).join(", ")}`
            : ""}
          .
        </Notice>
      ) : null}
    </section>
  );
}

function Families({ rows, caption }: { rows: InvitationPreview["invite"]; caption: string }) {
  return (
    <div className="table-scroll">
      <table>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Parent</th>
            <th scope="col">Email</th>
            <th scope="col">Children</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.email}>
              <td>{r.name}</td>
              <td>{r.email}</td>
              <td>{r.pupils.join(", ")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
