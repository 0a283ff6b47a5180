import type { PolicyForParentsView } from "../../../src/server/policy-for-parents/policy-for-parents.schema.ts";
import { dayLabel } from "../api.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading } from "../ui/Notice.tsx";
import { useApi } from "../ui/useApi.ts";

/**
 * The school's attendance policy as families read it, written by the server from the policy in
 * force: parents find it on their portal, staff check what families are told.
 */
export function PolicyForParents() {
  const { schoolId } = useSession();
  const base = schoolId === null ? null : `/api/schools/${schoolId}/policy/for-parents`;
  const { data: page, error } = useApi<PolicyForParentsView>(base);
  if (error) return <ErrorNotice error={error} />;
  if (!page) return <Loading what="the attendance policy" />;
  return (
    <article className="policy-page" aria-labelledby="policy-title">
      <h1 id="policy-title">{page.title}</h1>
      <p className="muted">
        The policy in force since {dayLabel(page.inForceSince)} (version {page.version}).
      </p>
      <p className="no-print row">
        <a className="button secondary" href={`${base}.pdf`} download>
          Download as PDF
        </a>
        <button type="button" className="secondary" onClick={() => window.print()}>
          Print
        </button>
      </p>
      {page.sections.map((section) => (
        <section key={section.heading} aria-labelledby={`policy-${section.heading}`}>
          <h2 id={`policy-${section.heading}`}>{section.heading}</h2>
          {section.paragraphs.map((p) => (
            <p key={p}>{p}</p>
          ))}
          {section.items.length > 0 ? (
            <ul>
              {section.items.map((item) => (
                <li key={item}>{item}</li>
              ))}
            </ul>
          ) : null}
          {section.showsBands && page.bands.length > 0 ? (
            <>
              <h3>How we describe attendance</h3>
              <ul className="bands">
                {page.bands.map((band) => (
                  <li key={band.name}>
                    <span
                      className="band-swatch"
                      aria-hidden="true"
                      style={{ background: band.colour }}
                    />
                    {band.range}: {band.name}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ))}
      {page.codes.length > 0 ? (
        <section aria-labelledby="policy-codes">
          <h2 id="policy-codes">The register codes named above</h2>
          <dl>
            {page.codes.map((code) => (
              <div key={code.symbol}>
                <dt>{code.symbol}</dt>
                <dd>{code.meaning}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
    </article>
  );
}
