import type { AcademicYearCalendar } from "../../domain/calendar.ts";

/**
 * Typical England term dates for the demo school (a local authority's published pattern, with
 * INSET days and bank holidays). A real school imports its own calendar.
 */
export const TYPICAL_TERM_DATES: readonly AcademicYearCalendar[] = [
  {
    startYear: 2025,
    halfTerms: [
      { name: "Autumn 1", term: "Autumn", start: "2025-09-01", end: "2025-10-24" },
      { name: "Autumn 2", term: "Autumn", start: "2025-11-03", end: "2025-12-19" },
      { name: "Spring 1", term: "Spring", start: "2026-01-05", end: "2026-02-13" },
      { name: "Spring 2", term: "Spring", start: "2026-02-23", end: "2026-03-27" },
      { name: "Summer 1", term: "Summer", start: "2026-04-13", end: "2026-05-22" },
      { name: "Summer 2", term: "Summer", start: "2026-06-01", end: "2026-07-22" },
    ],
    closures: [
      { date: "2025-09-01", session: null, reason: "INSET day" },
      { date: "2025-09-02", session: null, reason: "INSET day" },
      { date: "2026-01-05", session: null, reason: "INSET day" },
      { date: "2026-05-04", session: null, reason: "Early May bank holiday" },
      { date: "2026-06-01", session: null, reason: "INSET day" },
      { date: "2026-07-20", session: null, reason: "INSET day" },
      { date: "2026-07-21", session: null, reason: "INSET day" },
      { date: "2026-07-22", session: null, reason: "INSET day" },
    ],
  },
  {
    startYear: 2026,
    halfTerms: [
      { name: "Autumn 1", term: "Autumn", start: "2026-09-01", end: "2026-10-23" },
      { name: "Autumn 2", term: "Autumn", start: "2026-11-02", end: "2026-12-18" },
      { name: "Spring 1", term: "Spring", start: "2027-01-04", end: "2027-02-12" },
      { name: "Spring 2", term: "Spring", start: "2027-02-22", end: "2027-03-26" },
      { name: "Summer 1", term: "Summer", start: "2027-04-12", end: "2027-05-28" },
      { name: "Summer 2", term: "Summer", start: "2027-06-07", end: "2027-07-21" },
    ],
    closures: [
      { date: "2026-09-01", session: null, reason: "INSET day" },
      { date: "2026-09-02", session: null, reason: "INSET day" },
      { date: "2027-01-04", session: null, reason: "INSET day" },
      { date: "2027-05-03", session: null, reason: "Early May bank holiday" },
      { date: "2027-06-07", session: null, reason: "INSET day" },
      { date: "2027-07-20", session: null, reason: "INSET day" },
      { date: "2027-07-21", session: null, reason: "INSET day" },
    ],
  },
];
