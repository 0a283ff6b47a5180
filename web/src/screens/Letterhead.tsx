import { useState } from "react";
import type {
  LogoSavedView,
  WordTemplateSavedView,
} from "../../../src/server/letters/letters.schema.ts";
import { api } from "../api.ts";
import { ErrorNotice, Notice } from "../ui/Notice.tsx";

/** A chosen file's bytes as base64, as the upload routes take them. */
function base64Of(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ""));
    reader.onerror = () => reject(new Error(`${file.name} could not be read`));
    reader.readAsDataURL(file);
  });
}

/** The logo printed at the top of every letter, PDF and Word alike. */
export function LetterheadLogo({ base, hasLogo: had }: { base: string; hasLogo: boolean }) {
  const [error, setError] = useState<Error | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  // Bumped after each change so the preview is fetched again.
  const [shown, setShown] = useState(0);
  const [hasLogo, setHasLogo] = useState(had);
  const save = async (imageBase64: string | null) => {
    setError(null);
    setMessage(null);
    try {
      const saved = await api.put<LogoSavedView>(`${base}/letterhead/logo`, { imageBase64 });
      setMessage(
        saved.logo
          ? `Logo saved (${saved.logo.type.toUpperCase()}, ${saved.logo.width} × ${saved.logo.height} pixels): every letter written from now on carries it.`
          : "Logo removed.",
      );
      setHasLogo(saved.logo !== null);
      setShown((n) => n + 1);
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <section aria-labelledby="letterhead-heading">
      <h2 id="letterhead-heading">Letterhead</h2>
      <ErrorNotice error={error} />
      {message && <Notice tone="success">{message}</Notice>}
      {hasLogo && (
        <img
          className="letterhead-logo"
          src={`${base}/letterhead/logo?v=${shown}`}
          alt="The school's letterhead logo"
          onError={() => setHasLogo(false)}
        />
      )}
      <label>
        School logo (PNG or JPEG, up to 1 MB)
        <input
          type="file"
          accept="image/png,image/jpeg"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (!file) return;
            if (file.size > 1024 * 1024) {
              setError(
                new Error(
                  `${file.name} is ${Math.ceil(file.size / 1024)} KB; the limit is 1024 KB`,
                ),
              );
              return;
            }
            void base64Of(file).then(save, setError);
          }}
        />
      </label>
      {hasLogo && (
        <button type="button" className="secondary" onClick={() => void save(null)}>
          Remove the logo
        </button>
      )}
    </section>
  );
}

/** One letter's Word template: download the current one, upload the school's own, or stop using it. */
export function WordTemplate({
  base,
  letterId,
  hasWordTemplate,
  onSaved,
}: {
  base: string;
  letterId: string;
  hasWordTemplate: boolean;
  onSaved: () => void;
}) {
  const [error, setError] = useState<Error | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const save = async (docxBase64: string | null) => {
    setError(null);
    setMessage(null);
    try {
      const saved = await api.put<WordTemplateSavedView>(
        `${base}/letter-templates/${letterId}/docx`,
        { docxBase64 },
      );
      setMessage(
        docxBase64
          ? `Word template saved as version ${saved.version}: the PDF and the Word letter both follow it.`
          : `The letter no longer uses a Word template (version ${saved.version}).`,
      );
      onSaved();
    } catch (e) {
      setError(e as Error);
    }
  };
  return (
    <fieldset>
      <legend>Word template</legend>
      <ErrorNotice error={error} />
      {message && <Notice tone="success">{message}</Notice>}
      <p className="muted">
        <a href={`${base}/letter-templates/${letterId}/docx`}>
          Download the {hasWordTemplate ? "school's Word template" : "standard layout as Word"}
        </a>
        , edit it in Word keeping the merge fields in braces, and upload it here.
      </p>
      <label>
        Upload a Word template (.docx)
        <input
          type="file"
          accept=".docx,application/vnd.openxmlformats-officedocument.wordprocessingml.document"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void base64Of(file).then(save, setError);
            e.target.value = "";
          }}
        />
      </label>
      {hasWordTemplate && (
        <button type="button" className="secondary" onClick={() => void save(null)}>
          Stop using the Word template
        </button>
      )}
    </fieldset>
  );
}
