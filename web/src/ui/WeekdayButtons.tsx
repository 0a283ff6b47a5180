/**
 * One button per weekday beside a weekday chart, so the pupils behind a bar can be opened from the
 * keyboard as well as by clicking the bar.
 */
export function WeekdayButtons({
  weekdays,
  behind,
  onOpen,
}: {
  weekdays: readonly string[];
  /** What the bars count, for each button's name: "absence", "lates". */
  behind: string;
  onOpen: (weekday: string) => void;
}) {
  return (
    <p className="inline">
      {weekdays.map((weekday) => (
        <button
          key={weekday}
          type="button"
          className="link"
          aria-label={`Pupils behind ${behind} on ${weekday}s`}
          onClick={() => onOpen(weekday)}
        >
          {weekday}
        </button>
      ))}
    </p>
  );
}
