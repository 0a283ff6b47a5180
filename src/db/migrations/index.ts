import type { Migration } from "kysely";
import * as foundation from "./20261125_0900_foundation.ts";
import * as registersAndAccounts from "./20261125_1000_registers_and_accounts.ts";
import * as applyMarks from "./20261125_1100_apply_marks.ts";
import * as policiesAndCases from "./20261125_1200_policies_and_cases.ts";
import * as casework from "./20261125_1300_casework.ts";
import * as lettersAndMessages from "./20261125_1400_letters_and_messages.ts";
import * as leaveRequests from "./20261125_1500_leave_requests.ts";
import * as auditAndRetention from "./20261125_1600_audit_and_retention.ts";
import * as transferredAttendance from "./20261125_1700_transferred_attendance.ts";
import * as benchmarks from "./20261125_1710_benchmarks.ts";
import * as schoolSnapshots from "./20261125_1720_school_snapshots.ts";
import * as accountsAndSignIn from "./20261201_1000_accounts_and_sign_in.ts";
import * as accessLogLists from "./20261201_1200_access_log_lists.ts";
import * as integrity from "./20261201_1300_integrity.ts";
import * as noticeToImproveStage from "./20261201_1310_notice_to_improve_stage.ts";
import * as caseworkRetention from "./20261202_1000_casework_retention.ts";
import * as meetingsAndContractDocuments from "./20261202_1100_meetings_and_contract_documents.ts";
import * as messagingProviders from "./20261202_1200_messaging_providers.ts";
import * as lawEdges from "./20261202_1500_law_edges.ts";
import * as stageEvidence from "./20261202_1510_stage_evidence.ts";
import * as twoFactor from "./20261202_1600_two_factor.ts";
import * as misSync from "./20261203_0100_mis_sync.ts";
import * as singleSignOn from "./20261203_0200_single_sign_on.ts";
import * as twoFactorRulesAndRecoveryCodes from "./20261203_0210_two_factor_rules_and_recovery_codes.ts";
import * as letterJobsAndEnclosures from "./20261203_0300_letter_jobs_and_enclosures.ts";
import * as officeDesk from "./20261203_0400_office_desk.ts";
import * as lessonRegisters from "./20261203_0410_lesson_registers.ts";
import * as pupilPhotos from "./20261203_0420_pupil_photos.ts";
import * as snapshotQueue from "./20261203_0500_snapshot_queue.ts";
import * as contactPeople from "./20261203_0600_contact_people.ts";
import * as saveRegister from "./20261204_0200_save_register.ts";
import * as snapshotPupils from "./20261204_0600_snapshot_pupils.ts";
import * as pupilPhotoMisHash from "./20261204_0700_pupil_photo_mis_hash.ts";
import * as moreReferrals from "./20261204_0710_more_referrals.ts";
import * as refusedLeaveIndex from "./20261204_1000_refused_leave_index.ts";

/** Every migration in order. Forward-only: a landed migration is never edited, only followed. */
export const migrations: Record<string, Migration> = {
  "20261125_0900_foundation": foundation,
  "20261125_1000_registers_and_accounts": registersAndAccounts,
  "20261125_1100_apply_marks": applyMarks,
  "20261125_1200_policies_and_cases": policiesAndCases,
  "20261125_1300_casework": casework,
  "20261125_1400_letters_and_messages": lettersAndMessages,
  "20261125_1500_leave_requests": leaveRequests,
  "20261125_1600_audit_and_retention": auditAndRetention,
  "20261125_1700_transferred_attendance": transferredAttendance,
  "20261125_1710_benchmarks": benchmarks,
  "20261125_1720_school_snapshots": schoolSnapshots,
  "20261201_1000_accounts_and_sign_in": accountsAndSignIn,
  "20261201_1200_access_log_lists": accessLogLists,
  "20261201_1300_integrity": integrity,
  "20261201_1310_notice_to_improve_stage": noticeToImproveStage,
  "20261202_1000_casework_retention": caseworkRetention,
  "20261202_1100_meetings_and_contract_documents": meetingsAndContractDocuments,
  "20261202_1200_messaging_providers": messagingProviders,
  "20261202_1500_law_edges": lawEdges,
  "20261202_1510_stage_evidence": stageEvidence,
  "20261202_1600_two_factor": twoFactor,
  "20261203_0100_mis_sync": misSync,
  "20261203_0200_single_sign_on": singleSignOn,
  "20261203_0210_two_factor_rules_and_recovery_codes": twoFactorRulesAndRecoveryCodes,
  "20261203_0300_letter_jobs_and_enclosures": letterJobsAndEnclosures,
  "20261203_0400_office_desk": officeDesk,
  "20261203_0410_lesson_registers": lessonRegisters,
  "20261203_0420_pupil_photos": pupilPhotos,
  "20261203_0500_snapshot_queue": snapshotQueue,
  "20261203_0600_contact_people": contactPeople,
  "20261204_0200_save_register": saveRegister,
  "20261204_0600_snapshot_pupils": snapshotPupils,
  "20261204_0700_pupil_photo_mis_hash": pupilPhotoMisHash,
  "20261204_0710_more_referrals": moreReferrals,
  "20261204_1000_refused_leave_index": refusedLeaveIndex,
};
