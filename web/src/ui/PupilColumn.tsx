import { Link } from "react-router";
import type { Column } from "./Table.tsx";

/** The "Pupil" column every list of pupils has: the name, sorted by it, linking to the pupil. */
export function pupilNameColumn<T extends { pupilId: number; name: string }>(): Column<T> {
  return {
    key: "name",
    label: "Pupil",
    value: (p) => p.name,
    render: (p) => <Link to={`/pupils/${p.pupilId}`}>{p.name}</Link>,
  };
}
