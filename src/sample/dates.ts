/** Calendar dates as day numbers (days since 1970-01-01, UTC), for cheap arithmetic. */
const DAY_MS = 86_400_000;

export function dayNumber(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
}

export function isoDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The day number of the same calendar day `years` earlier (29 February falls to 1 March). */
export function yearsBefore(day: number, years: number): number {
  const d = new Date(day * DAY_MS);
  d.setUTCFullYear(d.getUTCFullYear() - years);
  return Math.floor(d.getTime() / DAY_MS);
}

/** Monday to Friday. */
export function isWeekday(day: number): boolean {
  const dow = new Date(day * DAY_MS).getUTCDay();
  return dow >= 1 && dow <= 5;
}
