import { useEffect, useState } from "react";
import type {
  BatchList,
  EmailedBatchView,
  LetterPreview,
  LetterTemplateList,
  ProposalBatches,
  TemplateBody,
  WriteLettersBody,
  WrittenBatch,
} from "../../../src/server/letters/letters.schema.ts";
import { api } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading, Notice } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";
import { BandLetters } from "./BandLetters.tsx";
import { LetterheadLogo, WordTemplate } from "./Letterhead.tsx";

const FAMILIES: Record<string, string> = {
  trust: "Trust policy",
  primary: "Primary school RAG letters",
  la_contract: "Local authority contract process",
  dfe: "DfE policy on a page",
  general: "General",
  school: "The school's own",
};

export function Letters() {
  const { schoolId } = useSession();
  const base = `/api/schools/${schoolId}`;
  const templates = useApi<LetterTemplateList>(schoolId ? `${base}/letter-templates` : null);
  const batches = useApi<BatchList>(schoolId ? `${base}/letter-batches` : null);
  const pupils = useApi<{ pupils: { id: number; name: string }[] }>(
    schoolId ? `${base}/pupils` : null,
  );
  const [selected, setSelected] = useState<string>("trust_letter_1");
  const [title, setTitle] = useState("");
  const [body, setBody] = useState("");
  const [pupilId, setPupilId] = useState<number | null>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [error, setError] = useState<Error | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const current = templates.data?.templates.find((t) => t.letterId === selected);
  useEffect(() => {
    if (current) {
      setTitle(current.title);
      setBody(current.body);
      setPreview(null);
    }
  }, [current]);
  useEffect(() => {
    if (pupilId === null && pupils.data?.pupils[0]) setPupilId(pupils.data.pupils[0].id);
  }, [pupils.data, pupilId]);
  const run = async (action: () => Promise<void>) => {
    setError(null);
    setMessage(null);
    try {
      await action();
    } catch (e) {
      setError(e as Error);
    }
  };
  if (!templates.data) return <Loading what="letters" />;
  const families = [...new Set(templates.data.templates.map((t) => t.family))];
  return (
    <section>
      <h1>Letters</h1>
      <ErrorNotice error={error ?? templates.error} />
      {message && <Notice tone="success">{message}</Notice>}
      <div className="two-columns">
        <div>
          <label>
            Letter
            <select value={selected} onChange={(e) => setSelected(e.target.value)}>
              {families.map((f) => (
                <optgroup key={f} label={FAMILIES[f] ?? f}>
                  {templates.data?.templates
                    .filter((t) => t.family === f)
                    .map((t) => (
                      <option key={t.letterId} value={t.letterId}>
                        {t.title}
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
          </label>
          <p className="muted">
            {current?.version
              ? `The school's version ${current.version}`
              : "Rollbook's standard wording"}
            {current?.hasWordTemplate ? " · uses the school's Word template" : ""}
          </p>
          <label>
            Title
            <input value={title} onChange={(e) => setTitle(e.target.value)} />
          </label>
          <label>
            Wording (merge fields in braces, paragraphs separated by a blank line)
            <textarea rows={18} value={body} onChange={(e) => setBody(e.target.value)} />
          </label>
          <div className="row">
            <button
              type="button"
              onClick={() =>
                void run(async () => {
                  const saved = await api.put<{ version: number }>(
                    `${base}/letter-templates/${selected}`,
                    { title, body } satisfies TemplateBody,
                  );
                  setMessage(`Saved as version ${saved.version}.`);
                  templates.reload();
                })
              }
            >
              Save wording
            </button>
          </div>
          <WordTemplate
            base={base}
            letterId={selected}
            hasWordTemplate={current?.hasWordTemplate ?? false}
            onSaved={() => templates.reload()}
          />
          <details>
            <summary>Merge fields</summary>
            <dl>
              {Object.entries(templates.data.mergeFields).map(([field, meaning]) => (
                <div key={field}>
                  <dt>
                    <code>{`{${field}}`}</code>
                  </dt>
                  <dd>{meaning}</dd>
                </div>
              ))}
            </dl>
          </details>
        </div>
        <div>
          <label>
            Pupil
            <select value={pupilId ?? ""} onChange={(e) => setPupilId(Number(e.target.value))}>
              {pupils.data?.pupils.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
          <div className="row">
            <button
              type="button"
              className="secondary"
              onClick={() =>
                void run(async () =>
                  setPreview(
                    (
                      await api.post<LetterPreview>(`${base}/letters/preview`, {
                        letterId: selected,
                        pupilId,
                        body,
                      })
                    ).text,
                  ),
                )
              }
            >
              Preview
            </button>
            <button
              type="button"
              onClick={() =>
                void run(async () => {
                  const issued = await api.post<WrittenBatch>(`${base}/letters`, {
                    letterId: selected,
                    pupilIds: pupilId === null ? [] : [pupilId],
                  } satisfies WriteLettersBody);
                  setMessage(
                    `${issued.letters.length} letter(s) written${issued.skipped.length ? `; not written: ${issued.skipped.map((s) => s.reason).join("; ")}` : ""}.`,
                  );
                  batches.reload();
                })
              }
            >
              Write this letter
            </button>
          </div>
          {preview && (
            <section aria-label="Letter preview">
              <pre className="letter-preview">{preview}</pre>
            </section>
          )}
        </div>
      </div>
      <BandLetters
        base={base}
        letters={templates.data?.templates ?? []}
        onWritten={() => batches.reload()}
      />
      <LetterheadLogo base={base} hasLogo={templates.data.letterhead.hasLogo} />
      <h2>Batches</h2>
      <button
        type="button"
        className="secondary"
        onClick={() =>
          void run(async () => {
            const sent = await api.post<ProposalBatches>(`${base}/letters/from-proposals`, {});
            setMessage(
              `${sent.batches.reduce((n, b) => n + b.letters.length, 0)} letter(s) written for accepted proposals.`,
            );
            batches.reload();
          })
        }
      >
        Write every letter accepted proposals call for
      </button>
      <ul>
        {batches.data?.batches.map((b) => (
          <li key={`${b.batch_id}${b.letter_id}`}>
            {new Date(b.issued_at).toLocaleString("en-GB")}: {b.letters} ×{" "}
            {b.letter_id.replaceAll("_", " ")} ·{" "}
            <a href={`${base}/letter-batches/${b.batch_id}/pdf`}>one PDF</a> ·{" "}
            <a href={`${base}/letter-batches/${b.batch_id}/zip`}>Word files (zip)</a> ·{" "}
            <button
              type="button"
              className="link"
              onClick={() =>
                void run(async () => {
                  const sent = await api.post<EmailedBatchView>(
                    `${base}/letter-batches/${b.batch_id}/email`,
                  );
                  setMessage(
                    `${sent.queued.length} letter(s) queued by email.${sent.toPost.length ? ` To post (no email address): ${sent.toPost.map((p) => p.addressee).join(", ")}.` : ""}`,
                  );
                })
              }
            >
              Email the batch
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
