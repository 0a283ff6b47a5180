import { type Kysely, sql } from "kysely";

/**
 * Policies now name the stage a notice to improve moves a case to (`casework.noticeToImproveStage`);
 * before, any stage with the id `notice_to_improve` was used. Saved versions that have such a
 * stage get the field, so a school's notices move its cases exactly as they did.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    update policies
    set document = jsonb_set(
      document, '{casework}',
      coalesce(document -> 'casework', '{}'::jsonb) || '{"noticeToImproveStage": "notice_to_improve"}')
    where document -> 'stages' @> '[{"id": "notice_to_improve"}]'
      and not coalesce(document -> 'casework', '{}'::jsonb) ? 'noticeToImproveStage'`.execute(db);
}
