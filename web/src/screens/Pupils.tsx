import { useState } from "react";
import { Link } from "react-router";
import { count } from "../../../src/domain/plural.ts";
import type { PupilListView } from "../../../src/server/pupils/pupils.schema.ts";
import { useSession } from "../session.tsx";
import { ErrorNotice, Loading } from "../ui/Notice.tsx";
import { Table } from "../ui/Table.tsx";
import { useApi } from "../ui/useApi.ts";

export function Pupils() {
  const { schoolId } = useSession();
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const { data, error } = useApi<PupilListView>(
    schoolId
      ? `/api/schools/${schoolId}/pupils${query ? `?search=${encodeURIComponent(query)}` : ""}`
      : null,
  );
  const school = useApi<{ registrationGroups: { id: number; name: string }[] }>(
    schoolId ? `/api/schools/${schoolId}` : null,
  );
  const groups = new Map((school.data?.registrationGroups ?? []).map((g) => [g.id, g.name]));
  return (
    <section>
      <h1>Pupils</h1>
      <search>
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            setQuery(search);
          }}
        >
          <label>
            Name or UPN
            <input value={search} onChange={(e) => setSearch(e.target.value)} />
          </label>
          <button type="submit">Search</button>
        </form>
      </search>
      <ErrorNotice error={error} />
      {!data ? (
        <Loading what="pupils" />
      ) : (
        <Table
          caption={`${count(data.pupils.length, "pupil")} on roll`}
          rowKey={(p) => p.id}
          rows={data.pupils}
          columns={[
            {
              key: "name",
              label: "Pupil",
              value: (p) => p.name,
              render: (p) => <Link to={`/pupils/${p.id}`}>{p.name}</Link>,
            },
            { key: "upn", label: "UPN", value: (p) => p.upn },
            {
              key: "group",
              label: "Registration group",
              value: (p) =>
                p.registrationGroupId ? (groups.get(p.registrationGroupId) ?? "") : "",
            },
          ]}
        />
      )}
    </section>
  );
}
