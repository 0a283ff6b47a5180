import { type Kysely, sql } from "kysely";

/**
 * save_register(...): a register save in one round trip. Everything recordMarks, the register's
 * "taken" row and the access log did in seven statements (begin, lock, read, write, taken, log,
 * commit) runs here in one call, in one transaction, with its plans cached by the session:
 *
 * 1. locks the pupils (so concurrent saves of the same pupils queue, as before);
 * 2. refuses the save whole, writing nothing, when a mark someone else changed meanwhile would
 *    be overwritten (rows 'conflict'), or when the register has closed and no reason was given
 *    for a change (rows 'reason'); each check is a statement of its own, so it reads the marks
 *    as committed once the locks are held;
 * 3. writes the new and changed marks, appends their history (previous code, new code, who, when,
 *    why, source) and sets their slots in the compact form, skipping marks already as given;
 * 4. records the register as taken, and the change in the access log.
 *
 * A pupil-year not yet stored starts as 732 empty slots (SLOTS_PER_YEAR when this was written).
 * It returns a 'mark' row for every given mark (its version after the save, whether it changed,
 * whether it was new) and one 'taken' row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function save_register(
      p_school integer, p_group integer, p_date date, p_session text,
      p_pupils integer[], p_codes text[], p_minutes integer[], p_base integer[], p_code_index integer[],
      p_start_year integer, p_slot integer,
      p_by text, p_at timestamptz, p_source text, p_reason text, p_user integer, p_reason_required boolean,
      p_log boolean, p_log_at timestamptz, p_log_actor text, p_log_pupil integer, p_log_pupils integer[],
      p_log_what text
    ) returns table (kind text, pupil_id integer, code text, version integer, changed boolean,
                     created boolean, first_taken_by text, first_taken_at timestamptz, saves integer)
    language plpgsql volatile as $$
    #variable_conflict use_column
    begin
      perform 1 from pupils p where p.school_id = p_school and p.id = any(p_pupils)
        order by p.id for no key update;

      return query
        select 'conflict', m.pupil_id, m.code, m.version, null::boolean, null::boolean,
               null::text, null::timestamptz, null::integer
        from unnest(p_pupils, p_codes, p_minutes, p_base) as c(pupil_id, code, minutes_late, base)
        join session_marks m on m.school_id = p_school and m.pupil_id = c.pupil_id
                            and m.date = p_date and m.session = p_session
        where (m.code, m.minutes_late) is distinct from (c.code, c.minutes_late) and m.version <> c.base;
      if found then return; end if;

      if p_reason_required then
        return query
          select 'reason', m.pupil_id, m.code, m.version, null::boolean, null::boolean,
                 null::text, null::timestamptz, null::integer
          from unnest(p_pupils, p_codes, p_minutes) as c(pupil_id, code, minutes_late)
          join session_marks m on m.school_id = p_school and m.pupil_id = c.pupil_id
                              and m.date = p_date and m.session = p_session
          where (m.code, m.minutes_late) is distinct from (c.code, c.minutes_late);
        if found then return; end if;
      end if;

      return query
        with given as (
          select c.pupil_id, c.code, c.minutes_late, c.code_index, m.code as previous_code,
                 coalesce(m.version, 0) as version_before,
                 m.pupil_id is null or (m.code, m.minutes_late) is distinct from (c.code, c.minutes_late)
                   as is_change
          from unnest(p_pupils, p_codes, p_minutes, p_code_index) as c(pupil_id, code, minutes_late, code_index)
          left join session_marks m on m.school_id = p_school and m.pupil_id = c.pupil_id
                                   and m.date = p_date and m.session = p_session
        ),
        changes as (select * from given where is_change),
        current as (
          insert into session_marks (school_id, pupil_id, date, session, code, minutes_late, recorded_by, recorded_at,
                                     recorded_by_user_id)
          select p_school, c.pupil_id, p_date, p_session, c.code, c.minutes_late, p_by, p_at, p_user from changes c
          on conflict (school_id, pupil_id, date, session) do update
            set code = excluded.code, minutes_late = excluded.minutes_late, recorded_by = excluded.recorded_by,
                recorded_at = excluded.recorded_at, recorded_by_user_id = excluded.recorded_by_user_id,
                version = session_marks.version + 1
        ),
        history as (
          insert into mark_history (school_id, pupil_id, date, session, previous_code, code, minutes_late,
                                    changed_by, changed_at, reason, source, changed_by_user_id)
          select p_school, c.pupil_id, p_date, p_session, c.previous_code, c.code, c.minutes_late, p_by, p_at,
                 p_reason, p_source, p_user
          from changes c
        ),
        compact as (
          insert into pupil_year_marks (school_id, pupil_id, start_year, marks)
          select p_school, c.pupil_id, p_start_year,
                 set_byte(coalesce(stored.marks, decode(repeat('00', 732), 'hex')), p_slot, c.code_index)
          from changes c
          left join pupil_year_marks stored
            on stored.school_id = p_school and stored.pupil_id = c.pupil_id and stored.start_year = p_start_year
          on conflict (school_id, pupil_id, start_year) do update set marks = excluded.marks
        )
        select 'mark', g.pupil_id, g.code, g.version_before + case when g.is_change then 1 else 0 end,
               g.is_change, g.version_before = 0, null::text, null::timestamptz, null::integer
        from given g;

      return query
        insert into registers_taken as t (school_id, registration_group_id, date, session, first_taken_by,
                                          first_taken_at, last_saved_by, last_saved_at)
        values (p_school, p_group, p_date, p_session, p_by, p_at, p_by, p_at)
        on conflict (school_id, registration_group_id, date, session) do update
          set last_saved_by = excluded.last_saved_by, last_saved_at = excluded.last_saved_at,
              saves = t.saves + 1
        returning 'taken'::text, null::integer, null::text, null::integer, null::boolean, null::boolean,
                  t.first_taken_by, t.first_taken_at, t.saves;

      if p_log then
        insert into access_log (school_id, at, user_id, actor, action, pupil_id, pupil_ids, what, status)
        values (p_school, p_log_at, p_user, p_log_actor, 'change', p_log_pupil, p_log_pupils, p_log_what, 200);
      end if;
    end $$`.execute(db);
}
