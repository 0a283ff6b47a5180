import { dayLabel, type IsoDate } from "../dates.ts";
import { followUpRules } from "../follow-up/escalation.ts";
import { addressLines } from "../letters/addressing.ts";
import type { RegisterTimes } from "../register-times.ts";
import { bandRanges } from "./bands.ts";
import { caseworkRules } from "./casework.ts";
import { describeDuration } from "./durations.ts";
import { actionInWords, codesNamed, conditionInWords, namesIn } from "./in-words.ts";
import { leaveRules } from "./leave.ts";
import type { Policy, Trigger } from "./types.ts";

/**
 * The school's attendance policy on one page for families (the DfE asks every school to publish
 * one), written from the policy Rollbook runs: every step here is a step the system proposes, so
 * what parents read changes when the policy does.
 */
export interface PolicyForParents {
  title: string;
  schoolName: string;
  /** Which version of the policy, and since when: the page says which policy it is. */
  version: number;
  inForceSince: IsoDate;
  target: number;
  sections: PolicySection[];
  bands: { name: string; colour: string; range: string }[];
  /** The register codes the steps name, explained. */
  codes: { symbol: string; meaning: string }[];
}

export interface PolicySection {
  heading: string;
  paragraphs: string[];
  /** A list under the paragraphs: the steps, the exceptional circumstances. */
  items: string[];
  /** The policy's bands follow this section (what we expect, then how we describe it). */
  showsBands?: boolean;
}

export interface SchoolForParents {
  name: string;
  registerTimes: RegisterTimes;
  /** Who signs the school's attendance letters ("Mrs J Patel, Attendance Officer"). */
  contact: string;
  address: string;
}

const pounds = (pence: number) =>
  `£${(pence / 100).toFixed(pence % 100 === 0 ? 0 : 2).replace(/\.00$/, "")}`;

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function ordinalDays(days: readonly number[]): string {
  const words = days.map((d) => (d === 1 ? "the first day" : `day ${d}`));
  return words.length <= 1
    ? (words[0] ?? "")
    : `${words.slice(0, -1).join(", ")} and ${words.at(-1)}`;
}

export function policyForParents(
  policy: Policy,
  school: SchoolForParents,
  stored: { version: number; inForceSince: IsoDate },
  letterTitle: (id: string) => string,
): PolicyForParents {
  const names = namesIn(policy, letterTitle);
  const step = (t: Trigger): string => {
    const when = conditionInWords(t.when, names);
    const what = t.actions.map((a) => actionInWords(a, names));
    const doing = what.length > 1 ? `${what.slice(0, -1).join(", ")} and ${what.at(-1)}` : what[0];
    // A step the policy leaves to the school's judgement, or routes to a person first for
    // children with some needs, says so: a family should not read it as automatic.
    const judged =
      t.discretionary || (t.manualReviewFlags?.length ?? 0) > 0
        ? " A member of staff decides each time, taking your child's circumstances into account."
        : "";
    return `When ${when}, ${doing}.${judged}`;
  };
  const stages = [...policy.stages].sort((a, b) => a.order - b.order);
  const outsideStages = policy.triggers.filter((t) => !t.inStage || t.inStage === "none");
  const sections: PolicySection[] = [];

  const t = school.registerTimes;
  sections.push({
    heading: "The school day",
    paragraphs: [
      `The morning register opens at ${t.amOpens} and closes at ${t.amCloses}; the afternoon register opens at ${t.pmOpens} and closes at ${t.pmCloses}.`,
      "A child who arrives while the register is open is marked late (L) and counted as present. A child who arrives after it has closed is marked U: late after the register closed, which counts as an unauthorised absence for that session.",
    ],
    items: [],
  });

  const follow = followUpRules(policy);
  sections.push({
    heading: "If your child is absent",
    paragraphs: [
      `Tell the school on the first morning of any absence, and every day it continues, giving the reason. If we have not heard from you, we call you before ${follow.callBefore}${follow.textIfUnreachable ? ", and text you if nobody answers" : ""}.`,
      ...(follow.homeVisitOnDays.length > 0
        ? [
            `If we still cannot reach you, we visit your home on ${ordinalDays(follow.homeVisitOnDays)} of the absence.`,
          ]
        : []),
      `If a child has been absent for ${follow.missingEducationAfterDays} school days and we have not been able to contact the family, we must tell the local authority that the child may be missing education.`,
      "Only the school can authorise an absence. An absence we have no reason for, or a reason we cannot accept, is recorded as unauthorised.",
    ],
    items: [],
  });

  sections.push({
    heading: "What we expect",
    paragraphs: [
      `We expect every child to attend at least ${policy.target}% of sessions.${
        policy.localAuthorityTarget !== undefined
          ? ` The local authority's target is ${policy.localAuthorityTarget}%.`
          : ""
      } A child who misses 10% or more of sessions is persistently absent; 50% or more, severely absent. These are the Department for Education's measures.`,
    ],
    items: [],
    showsBands: true,
  });

  sections.push({
    heading: "The steps we take when attendance falls",
    paragraphs: [
      "We work with families first: every step below is a chance to talk about what is getting in the way and what support would help. Each step is recorded, and we tell you at every stage.",
    ],
    items: outsideStages.map(step),
  });
  for (const stage of stages) {
    const inStage = policy.triggers.filter((x) => x.inStage === stage.id);
    const paragraphs: string[] = [];
    if (stage.description) paragraphs.push(stage.description);
    if (stage.status)
      paragraphs.push(`While in this stage, your child's status is "${stage.status}".`);
    if (stage.review)
      paragraphs.push(
        `We review your child's attendance after ${describeDuration({
          length: stage.review.weeks,
          unit: stage.review.unit ?? "calendar_weeks",
        })}.`,
      );
    for (const c of stage.cadence ?? [])
      paragraphs.push(
        c.what === "contact"
          ? `We are in touch with you every ${c.everyWeeks === 1 ? "week" : `${c.everyWeeks} weeks`} of term during this stage.`
          : `We review progress every ${c.everyWeeks === 1 ? "week" : `${c.everyWeeks} weeks`} of term during this stage.`,
      );
    if (paragraphs.length + inStage.length === 0) continue;
    sections.push({ heading: stage.name, paragraphs, items: inStage.map(step) });
  }

  const casework = caseworkRules(policy);
  const usesNotice = policy.triggers.some((x) =>
    x.actions.some((a) => a.type === "notice_to_improve"),
  );
  if (usesNotice) {
    const period = casework.noticeToImprovePeriod
      ? describeDuration(casework.noticeToImprovePeriod)
      : `${casework.noticeToImproveReviewWeeks} weeks`;
    sections.push({
      heading: "Notice to improve",
      paragraphs: [
        `A notice to improve is a formal letter that sets out the support offered and gives ${period} for attendance to improve.${
          casework.noticeToImproveBeforePenaltyNotice
            ? " We do not ask for a penalty notice without first giving a notice to improve, except for leave in term time that was refused and taken anyway."
            : ""
        }`,
      ],
      items: [],
    });
  }

  const leave = leaveRules(policy);
  sections.push({
    heading: "Leave in term time",
    paragraphs: [
      "The head teacher may grant leave in term time only in exceptional circumstances, and decides how many days. Ask in writing before the leave, as early as you can.",
      ...(leave.holidaysRefused ? ["A holiday is not an exceptional circumstance."] : []),
      `Leave taken after it was refused is recorded as unauthorised (code G)${
        leave.penaltyWithoutNoticeToImprove
          ? " and may lead to a penalty notice without a notice to improve first"
          : ""
      }.`,
      ...(leave.exceptionalCircumstances.length > 0
        ? ["Circumstances we treat as exceptional include:"]
        : []),
    ],
    items: leave.exceptionalCircumstances.map(capitalised),
  });

  const notices = policy.penaltyNotices;
  if (notices) {
    const first = notices.firstNotice;
    sections.push({
      heading: "Penalty notices",
      paragraphs: [
        `A penalty notice is issued by the local authority to each parent. The first notice for a child is ${pounds(first.reducedAmount)} if paid within ${first.reducedWithinDays} days, rising to ${pounds(first.fullAmount)} if paid within ${first.fullWithinDays} days. A second notice for the same child within ${notices.repeatWindowYears} years is ${pounds(notices.secondNotice.amount)}, paid within ${notices.secondNotice.withinDays} days.`,
        `No parent receives more than ${notices.maxNoticesInWindow} notices for the same child in ${notices.repeatWindowYears} years; after that the local authority considers other action, which can include prosecution.`,
      ],
      items: [],
    });
  }

  sections.push({
    heading: "Who to contact",
    paragraphs: [
      `Please talk to us about anything that makes it hard for your child to come to school: ${[
        school.contact,
        school.name,
        ...addressLines(school.address),
      ].join(", ")}.`,
    ],
    items: [],
  });

  return {
    title: `Attendance at ${school.name}`,
    schoolName: school.name,
    version: stored.version,
    inForceSince: stored.inForceSince,
    target: policy.target,
    sections,
    bands: bandRanges(policy.bands).map((b) => ({
      name: b.name,
      colour: b.colour,
      range: b.range,
    })),
    codes: codesNamed(policy),
  };
}

/** "In force since Monday 2 December 2024 (version 3)": the line under the title. */
export function versionLine(page: Pick<PolicyForParents, "version" | "inForceSince">): string {
  return `This is the policy in force since ${dayLabel(page.inForceSince)} (version ${page.version}).`;
}
