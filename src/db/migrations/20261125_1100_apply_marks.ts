import { type Kysely, sql } from "kysely";

/**
 * apply_marks(marks, slots, codes): the compact form with the given slots set, in one statement,
 * so a register save writes its marks, their history and the compact form in a single round trip.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function apply_marks(marks bytea, slots int[], codes int[]) returns bytea
    language plpgsql immutable as $$
    declare
      result bytea := marks;
    begin
      for i in 1 .. coalesce(array_length(slots, 1), 0) loop
        result := set_byte(result, slots[i], codes[i]);
      end loop;
      return result;
    end $$`.execute(db);
}
