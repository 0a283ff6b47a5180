/**
 * Who counts as a parent for the law's attendance duties (Education Act 1996 s576): anyone with
 * parental responsibility, or who has care of the child (a grandparent the child lives with).
 * A notice goes to a person, and the limits count per person.
 */
export interface ParentFacts {
  name: string;
  parentalResponsibility: boolean;
  /** Day-to-day care: the child lives with them. */
  livesWithPupil: boolean;
}

/** Null when the person counts as a parent, else why not, in the law's words. */
export function notAParent(contact: ParentFacts): string | null {
  if (contact.parentalResponsibility || contact.livesWithPupil) return null;
  return `${contact.name} has neither parental responsibility nor day-to-day care of the child (Education Act 1996 s576), so is not a parent for a penalty notice`;
}

/** Why a person counts: shown beside their name. */
export function parentBasis(contact: ParentFacts): string {
  if (contact.parentalResponsibility && contact.livesWithPupil)
    return "parental responsibility and day-to-day care";
  if (contact.parentalResponsibility) return "parental responsibility";
  if (contact.livesWithPupil) return "day-to-day care (s576)";
  return "not a parent in law";
}
