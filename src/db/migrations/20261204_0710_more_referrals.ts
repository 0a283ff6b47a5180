import { type Kysely, sql } from "kysely";

/**
 * Referrals the seed policies name beside the legal steps: the school nursing team when sickness
 * is continually reported, a voluntary early help assessment, and a police safe-and-well check
 * when a safeguarding concern stays unanswered after a home visit.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table interventions drop constraint interventions_kind_check`.execute(db);
  await sql`
    alter table interventions add constraint interventions_kind_check
      check (kind in ('notice_to_improve', 'penalty_notice_referral', 'penalty_notice',
                      'legal_intervention_referral', 'social_care_referral', 'cme_report',
                      'school_nursing_referral', 'early_help_referral', 'safe_and_well_check'))`.execute(
    db,
  );
}
