/**
 * LEAP cycle numbering. Cycle N covers the two months starting at January 2024 + 2 x (N - 89)
 * months: 89 = Jan-Feb 2024, 94 = Nov-Dec 2024, 106 = Nov-Dec 2026.
 */
export interface CyclePeriod {
  cycle: number;
  start: string;
  end: string;
  label: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function leapCyclePeriod(cycle: number): CyclePeriod {
  if (!Number.isInteger(cycle) || cycle < 1) throw new RangeError(`not a cycle number: ${cycle}`);
  const monthIndex = 2024 * 12 + 2 * (cycle - 89);
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex % 12;
  const endMonthIndex = monthIndex + 1;
  const endYear = Math.floor(endMonthIndex / 12);
  const endMonth = endMonthIndex % 12;
  const lastDay = new Date(Date.UTC(endYear, endMonth + 1, 0)).getUTCDate();
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    cycle,
    start: `${year}-${pad(month + 1)}-01`,
    end: `${endYear}-${pad(endMonth + 1)}-${pad(lastDay)}`,
    label: `${MONTHS[month]}-${MONTHS[endMonth]} ${endYear}`,
  };
}
