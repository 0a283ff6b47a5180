/**
 * The default wording of every letter in the seed policies. A school edits these in the app (each
 * save a new version) or uploads its own Word template using the same merge fields.
 */
export interface LetterTemplate {
  id: string;
  title: string;
  /** Which policy or process the letter belongs to. */
  family: "trust" | "primary" | "la_contract" | "dfe" | "general";
  body: string;
  /** Documents sent with the letter as further pages (and attachments when emailed). */
  encloses?: readonly Enclosure[];
}

/** What a letter can enclose: the pupil's registration certificate, or the case's contract. */
export type Enclosure = "registration_certificate" | "contract";

const header = `{date}

{addressee}
{addressee_address}

{salutation}`;

const pupilLine =
  "{chosen_forename} {chosen_surname}   {year_reg}   Attendance figure {percentage_attendance}%";

const trustOpening =
  "At {school_name} we fully recognise the impact of good attendance and punctuality on the success and development of young people both socially and academically.";

const trustResearch =
  "Research has shown that any student with attendance under 95% is at risk of achieving a grade lower in every subject by the time they leave school. We expect all students to attend school regularly and their attendance should be at least {target}%. At {school_name}, we classify attendance in the following way:";

const letters: LetterTemplate[] = [
  {
    id: "trust_initial_warning",
    title: "Initial warning: attendance has fallen below 95%",
    family: "trust",
    body: `${header}

${pupilLine}

${trustOpening}

{chosen_forename}'s attendance has fallen to {percentage_attendance}%, into our 'cause for concern' category. This is a warning that {chosen_forename} is nearing the persistent absence category.

${trustResearch}

{bands_table}

Please help {chosen_forename} to attend every day. If something is making it hard for {chosen_forename} to come to school, please talk to us: we want to help.

Yours sincerely

{signatory}`,
  },
  {
    id: "trust_letter_1",
    title: "Letter 1: attendance below 90%",
    family: "trust",
    // "As you will see from the attached registration certificate..."
    encloses: ["registration_certificate"],
    body: `${header}

${pupilLine}

${trustOpening}

${trustResearch}

{bands_table}

As you will see from the attached registration certificate, {chosen_forename} has now missed {days_missed} school days this year. Any further absence will need to be supported with evidence. The Government classifies any student with an attendance under 90% as persistently absent from school, and whilst we do acknowledge there may be extenuating circumstances affecting attendance, we will now monitor the situation closely. If there is no improvement in {chosen_forename}'s attendance, {chosen_forename} will be involved in a meeting to discuss how we can collectively improve attendance. We also have close links with our colleagues in the Education Welfare Service with whom we follow up attendance concerns rigorously.

Please be assured that we want to support you and should you feel we can help in any way do not hesitate to contact the Head of School or the Attendance team.

Yours sincerely

{signatory}`,
  },
  {
    id: "trust_letter_2",
    title: "Letter 2: Internal School Attendance Panel meeting",
    family: "trust",
    body: `${header}

${pupilLine}

${trustOpening}

We have previously informed you of concerns with {chosen_forename}'s attendance. However, since then there have been further absences. We will now be meeting with {chosen_forename} to discuss how we can support an improvement in their attendance. The meeting will be held on {meeting_date} at {meeting_time} ({meeting_format}). Should you wish to attend with your child at this time please inform school.

${trustResearch}

{bands_table}

Please be assured that we want to support {chosen_forename}, and would like to discuss ways in which we can work together to help improve attendance. We also have close links with our colleagues in the Education Welfare Service with whom we follow up attendance concerns rigorously.

Yours sincerely

{signatory}`,
  },
  {
    id: "trust_letter_3",
    title: "Letter 3: referral to the Education Welfare Service",
    family: "trust",
    body: `${header}

${pupilLine}

${trustOpening}

We have previously informed you of concerns with {chosen_forename}'s attendance and have met with you to agree an attendance plan. However, since then there has been no improvement, and attendance this year is {percentage_attendance}%. We have therefore referred the matter to the Education Welfare Service. This leaves you at risk of a penalty notice or other legal action.

${trustResearch}

{bands_table}

Please be assured that we still want to support you and {chosen_forename}, and would like to discuss ways in which we can work together to help improve {chosen_forename}'s attendance.

Yours sincerely

{signatory}`,
  },
  {
    id: "trust_late_marks",
    title: "Late marks: three this half term",
    family: "trust",
    body: `${header}

${pupilLine}

Arriving on time matters: a pupil who misses the start of the day misses work and the news of the day with their tutor, and late arrivals disrupt lessons for everyone. The register closes at 9am; pupils arriving after that are marked late, and after 9:30am the session counts as an unauthorised absence.

{chosen_forename} has been late to school on the following occasions this half term:

{late_list}

Please help {chosen_forename} to arrive on time every day. If lateness continues this half term we will invite you to a meeting with our Education Welfare Officer and the Head of School to talk about the reasons and agree a plan. If something is making it hard for {chosen_forename} to arrive on time, please talk to us.

Yours sincerely

{signatory}`,
  },
  {
    id: "trust_lateness_warning",
    title: "Lateness warning: 5 sessions marked U this half term",
    family: "trust",
    body: `${header}

${pupilLine}

Pupils who arrive after the register has closed are marked U, which counts as an unauthorised absence. {chosen_forename} has now arrived after the register closed on five or more sessions this half term. These are this half term's late marks:

{late_list}

This letter is notification that a penalty notice may be issued if persistent lateness after the close of registration continues. Persistent lateness is 10 sessions marked U within 12 weeks.

Please make sure {chosen_forename} arrives on time every day. If there is a reason that makes this hard, please talk to us.

Yours sincerely

{signatory}`,
  },
  {
    id: "trust_persistent_lateness",
    title: "Persistent lateness: 10 sessions marked U within 12 weeks",
    family: "trust",
    body: `${header}

${pupilLine}

We wrote to you earlier about {chosen_forename} arriving after the register had closed. Since then this has continued: {chosen_forename} has now been marked U (arrived after the register closed) on 10 or more sessions within 12 weeks, which our policy defines as persistent lateness.

We are now considering a referral to the local authority for a penalty notice. Please contact the Attendance team to discuss this and the support we can offer.

Yours sincerely

{signatory}`,
  },
  {
    id: "trust_rag_green",
    title: "Half-termly attendance letter: green",
    family: "trust",
    body: `${header}

${pupilLine}

Each half term we review every child's attendance and send a letter whose colour matches it. {chosen_forename}'s letter is green: attendance of {percentage_attendance}% this year is in line with our target of {target}% and gives {chosen_forename} the best chance of success in school. Thank you.

Yours sincerely

{signatory}`,
  },
  {
    id: "trust_rag_amber",
    title: "Half-termly attendance letter: amber",
    family: "trust",
    body: `${header}

${pupilLine}

Each half term we review every child's attendance and send a letter whose colour matches it. {chosen_forename}'s letter is amber: attendance of {percentage_attendance}% this year is between 90% and our target of {target}%. This causes some concern, as {chosen_forename} may not be getting the most out of school and their progress could be affected.

We appreciate that some absence is due to illness; even so, we think it important that you know how the absences could affect {chosen_forename}'s education. If something is making it hard for {chosen_forename} to come to school, please talk to us: we want to help.

Yours sincerely

{signatory}`,
  },
  {
    id: "trust_rag_red",
    title: "Half-termly attendance letter: red",
    family: "trust",
    body: `${header}

${pupilLine}

Each half term we review every child's attendance and send a letter whose colour matches it. {chosen_forename}'s letter is red: attendance of {percentage_attendance}% this year is below 90%. This is a serious cause for concern: {chosen_forename}'s education is being seriously affected.

Please contact us so that we can work together to improve {chosen_forename}'s attendance.

Yours sincerely

{signatory}`,
  },
  {
    id: "primary_green",
    title: "Green letter: attendance at or above our target",
    family: "primary",
    body: `${header}

Thank you. {chosen_forename}'s attendance this year is {percentage_attendance}%, which meets our school target of {target}%. Coming to school every day gives {chosen_forename} the best chance to succeed, and we are proud of how well {chosen_forename} is doing.

{bands_table}

Yours sincerely

{signatory}`,
  },
  {
    id: "primary_amber",
    title: "Amber letter: attendance below our 97% target",
    family: "primary",
    body: `${header}

At our termly review of attendance we noticed that {chosen_forename}'s attendance this year is {percentage_attendance}%. This is below our school's aspirational target of {target}% (the local authority's target is {la_target}%), and places {chosen_forename} in our amber category.

{bands_table}

Amber indicates some concern: {chosen_forename} may not be getting the most out of school and their progress could be affected. We would like to offer you a meeting to talk about ways in which attendance can be improved. Please contact the school office to arrange a time.

Yours sincerely

{signatory}`,
  },
  {
    id: "primary_red",
    title: "Red letter: attendance below 90%",
    family: "primary",
    body: `${header}

At our termly review of attendance we noticed that {chosen_forename}'s attendance this year is {percentage_attendance}%. This is below 90%, which places {chosen_forename} in our red category and means {chosen_forename} is persistently absent.

{bands_table}

This is a serious cause for concern: {chosen_forename}'s education is being seriously affected. We would like to meet with you to look at ways we can support your family to improve attendance. Please contact the school office to arrange a meeting.

Yours sincerely

{signatory}`,
  },
  {
    id: "primary_improved_band",
    title: "Thank you: attendance has moved into a better category",
    family: "primary",
    body: `${header}

Thank you for your commitment to improving {chosen_forename}'s attendance. At this term's review {chosen_forename}'s attendance is {percentage_attendance}%, which has moved into the {band} category.

Please keep up the good work: every day in school counts.

Yours sincerely

{signatory}`,
  },
  {
    id: "primary_improved_still_concerned",
    title: "Thank you for improving, but we are still concerned",
    family: "primary",
    body: `${header}

Thank you for helping {chosen_forename} to improve their attendance since our last letter. At this term's review {chosen_forename}'s attendance is {percentage_attendance}%. This is an improvement, but it is still in the {band} category and below our school target of {target}%, so we remain concerned.

{bands_table}

Please continue to support {chosen_forename} to attend every day, and talk to us if we can help.

Yours sincerely

{signatory}`,
  },
  {
    id: "primary_meeting_invite",
    title: "Invitation to an attendance meeting: attendance has not improved",
    family: "primary",
    body: `${header}

We wrote to you last term about {chosen_forename}'s attendance. At this term's review {chosen_forename}'s attendance is {percentage_attendance}% and has not improved.

We would like to invite you to an attendance meeting in school on {meeting_date} at {meeting_time} ({meeting_format}). At the meeting we will look at ways that we can support your family to improve attendance. Please be aware that if the situation does not improve you may face a fine. Where we feel additional support is needed, our Early Help process will follow.

Yours sincerely

{signatory}`,
  },
  {
    id: "la_1_contract_invite",
    title: "LA letter 1: invitation to an attendance contract meeting",
    family: "la_contract",
    body: `${header}

Re: {chosen_forename} {chosen_surname}, {year_reg}

We are concerned about {chosen_forename}'s attendance, which is {percentage_attendance}% this year ({sessions_missed} sessions missed, {unauthorised_sessions} of them unauthorised). We would like to invite you to a formal attendance contract meeting on {meeting_date} at {meeting_time} ({meeting_format}: {meeting_place}) with {meeting_panel}, to understand what is getting in the way and agree support together.

If you would prefer to meet online or by telephone, or cannot attend at this time, please contact the school before the meeting so we can arrange an alternative.

Yours sincerely

{signatory}`,
  },
  {
    id: "la_2_second_invite",
    title: "LA letter 2: second invitation to an attendance contract meeting",
    family: "la_contract",
    body: `${header}

Re: {chosen_forename} {chosen_surname}, {year_reg}

You were invited to an attendance contract meeting about {chosen_forename}'s attendance but did not attend and did not let us know. We would like to invite you again, on {meeting_date} at {meeting_time} ({meeting_format}: {meeting_place}), to meet {meeting_panel}. Attendance this year is {percentage_attendance}%.

We can meet in person, online or by telephone: please tell us which suits you. If you do not attend this meeting, a meeting of the professionals involved will be held to agree how to support {chosen_forename}.

Yours sincerely

{signatory}`,
  },
  {
    id: "la_3_contract",
    title: "LA letter 3: attendance contract",
    family: "la_contract",
    body: `${header}

Attendance contract for {chosen_forename} {chosen_surname}, {year_reg}

This contract records what we agreed at our meeting to improve {chosen_forename}'s attendance, which was {percentage_attendance}% when we met. It sets out the support the school, you and other professionals will provide, and the barriers we identified. We will review it together on {review_date}.

Yours sincerely

{signatory}`,
  },
  {
    id: "la_4_contract_outcome",
    title: "LA letter 4: attendance contract outcome",
    family: "la_contract",
    // The seed: "This letter is attached to the attendance contract."
    encloses: ["contract"],
    body: `${header}

Re: {chosen_forename} {chosen_surname}, {year_reg}

Thank you for meeting with us. Enclosed is a copy of the attendance contract we agreed. We will monitor {chosen_forename}'s attendance closely and review the contract with you on {review_date}. If there are 6 sessions of unauthorised absence before then, we may bring the review forward.

Yours sincerely

{signatory}`,
  },
  {
    id: "la_5_failed_to_attend",
    title: "LA letter 5: failed to attend the attendance contract meetings",
    family: "la_contract",
    body: `${header}

Re: {chosen_forename} {chosen_surname}, {year_reg}

You did not attend either of the attendance contract meetings we arranged, and we have not been able to reach you. We have therefore held a meeting of the professionals involved and put in place a plan of the support the school will provide for {chosen_forename}.

{chosen_forename}'s attendance this year is {percentage_attendance}%. We still want to work with you: please contact the school so we can talk about this plan.

Yours sincerely

{signatory}`,
  },
  {
    id: "la_6_improved",
    title: "LA letter 6: attendance has improved",
    family: "la_contract",
    body: `${header}

Re: {chosen_forename} {chosen_surname}, {year_reg}

We are pleased to tell you that {chosen_forename}'s attendance has improved since we began working together; it is now {percentage_attendance}% this year. Thank you for your support. We will continue to monitor attendance and are here to help if anything changes.

Yours sincerely

{signatory}`,
  },
  {
    id: "la_7a_review_invite",
    title: "LA letter 7a: attendance contract review meeting",
    family: "la_contract",
    body: `${header}

Re: {chosen_forename} {chosen_surname}, {year_reg}

We have reviewed {chosen_forename}'s attendance since we agreed the attendance contract, and the improvement is not yet enough: attendance this year is {percentage_attendance}%. We would like to meet you on {meeting_date} at {meeting_time} ({meeting_format}) to review how the contract is working and change it where needed.

Yours sincerely

{signatory}`,
  },
  {
    id: "la_7b_termination_warning",
    title: "LA letter 7b: attendance contract termination warning",
    family: "la_contract",
    body: `${header}

Re: {chosen_forename} {chosen_surname}, {year_reg}

The attendance contract we agreed is not being kept, and we have not been able to engage with you about it. {chosen_forename}'s attendance this year is {percentage_attendance}%.

This letter is a warning that the contract may be ended and other action taken, including a notice to improve ahead of a possible penalty notice. Please contact the school within the next week.

Yours sincerely

{signatory}`,
  },
  {
    id: "la_8_notice_to_improve",
    title: "LA letter 8: notice to improve",
    family: "la_contract",
    body: `${header}

Notice to improve: {chosen_forename} {chosen_surname}, {year_reg}

{chosen_forename}'s attendance this year is {percentage_attendance}%, with {unauthorised_sessions} sessions of unauthorised absence. The school has offered support to help improve {chosen_forename}'s attendance, but it has not been engaged with or has not worked. Everything the school has done so far:

{efforts_made}

This notice gives a final period for improvement. We will review {chosen_forename}'s attendance on {review_date}. If it has not improved, the school may ask the local authority to issue a penalty notice, or to consider other legal action.

{absence_list}

Yours sincerely

{signatory}`,
  },
  {
    id: "la_9_legal_referral",
    title: "LA letter 9: referral for legal intervention",
    family: "la_contract",
    body: `${header}

Re: {chosen_forename} {chosen_surname}, {year_reg}

All attempts at support have not secured an improvement in {chosen_forename}'s attendance, which is {percentage_attendance}% this year. The school is therefore referring the matter to the local authority's attendance support team for legal intervention.

Yours sincerely

{signatory}`,
  },
  {
    id: "dfe_early_support",
    title: "Step 2: early support",
    family: "dfe",
    body: `${header}

{chosen_forename}'s attendance this year is {percentage_attendance}%. We are getting in touch because we are concerned, and we want to understand the reasons for the absences. We will work with you to find ways to address any problems and prevent further absence: please contact the school so we can talk.

Yours sincerely

{signatory}`,
  },
  {
    id: "dfe_formal_support",
    title: "Step 3: formal support",
    family: "dfe",
    body: `${header}

Absences have continued and {chosen_forename}'s attendance this year is {percentage_attendance}%. We would like to meet with you on {meeting_date} at {meeting_time} ({meeting_format}) to review the support in place and agree a personalised attendance contract with targets we will review together regularly.

Yours sincerely

{signatory}`,
  },
  {
    id: "dfe_review_invite",
    title: "Step 4: formal review",
    family: "dfe",
    body: `${header}

We would like to invite you to a review meeting on {meeting_date} at {meeting_time} ({meeting_format}) to look at how {chosen_forename}'s attendance, now {percentage_attendance}%, has changed since we agreed the attendance contract, and to agree the next steps together.

Yours sincerely

{signatory}`,
  },
  {
    id: "leave_refused",
    title: "Leave of absence in term time: request refused",
    family: "general",
    body: `${header}

{chosen_forename} {chosen_surname}   {year_reg}

Thank you for your request for {chosen_forename} to be absent from school in term time. Leave of absence can be granted only in exceptional circumstances, and the Head of School has decided that the reasons given are not exceptional. The request is refused.

If {chosen_forename} is absent on those days, the absence will be recorded as unauthorised (code G: holiday not agreed by the school), and the local authority may issue a penalty notice to each parent, for each child, without a notice to improve first.

If there is something we do not yet know about, please contact the school before the leave begins.

Yours sincerely

{signatory}`,
  },
  {
    id: "registration_certificate",
    title: "Registration certificate",
    family: "general",
    body: `Registration certificate

{chosen_forename} {chosen_surname}, {year_reg}, {school_name}

Attendance this year to {date}: {percentage_attendance}% ({sessions_possible} possible sessions, {sessions_missed} missed, {unauthorised_sessions} unauthorised, {late_sessions} late)

{absence_list}`,
  },
];

export const DEFAULT_LETTERS: ReadonlyMap<string, LetterTemplate> = new Map(
  letters.map((l) => [l.id, l]),
);

/** A letter by its title ("Letter 2: Internal School Attendance Panel meeting"), else its id. */
export function letterName(id: string): string {
  const title = DEFAULT_LETTERS.get(id)?.title;
  return title ? `"${title}"` : `letter ${id}`;
}
