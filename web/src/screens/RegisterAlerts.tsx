/** What the register's alert icons mean; which a caller sees is the server's decision (src/app/registers/register-alerts.ts). */
export type RegisterAlert = "medical" | "sen" | "social_worker";
const ALERT: Record<RegisterAlert, { icon: string; label: string }> = {
  medical: { icon: "✚", label: "Medical condition" },
  sen: { icon: "◆", label: "Special educational needs" },
  social_worker: { icon: "●", label: "Has a social worker" },
};

/** The icons beside a pupil's name on the register, each with its meaning for screen readers. */
export function RegisterAlerts({ alerts }: { alerts: RegisterAlert[] }) {
  return alerts.map((a) => (
    <span
      key={a}
      className={`register-alert alert-${a}`}
      role="img"
      aria-label={ALERT[a].label}
      title={ALERT[a].label}
    >
      {ALERT[a].icon}
    </span>
  ));
}
