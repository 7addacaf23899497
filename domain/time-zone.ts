/**
 * Local dates and times in a tenant's IANA time zone, right across DST changes, with nothing but Intl: a customer's
 * "Tuesday" and a business's "9 to 5" are the tenant's, whatever the server's zone.
 */

export const weekdays = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof weekdays)[number];

export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
  weekday: Weekday;
  /** Minutes since local midnight. */
  minutes: number;
  /** HH:MM */
  time: string;
}

const formats = new Map<string, Intl.DateTimeFormat>();
function format(timeZone: string): Intl.DateTimeFormat {
  let f = formats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      weekday: 'long',
    });
    formats.set(timeZone, f);
  }
  return f;
}

/** Whether `timeZone` names a zone this runtime knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    format(timeZone);
    return true;
  } catch {
    return false;
  }
}

function parts(instant: Date, timeZone: string): Record<string, string> {
  return Object.fromEntries(format(timeZone).formatToParts(instant).map((p) => [p.type, p.value]));
}

/** The wall-clock date and time at `instant` in `timeZone`. */
export function localTime(instant: Date, timeZone: string): LocalTime {
  const p = parts(instant, timeZone);
  const hour = Number(p.hour) % 24;
  const minute = Number(p.minute);
  return {
    date: `${p.year}-${p.month}-${p.day}`,
    weekday: (p.weekday ?? '').toLowerCase() as Weekday,
    minutes: hour * 60 + minute,
    time: `${String(hour).padStart(2, '0')}:${p.minute}`,
  };
}

/** How far `timeZone`'s clock is ahead of UTC at `instant`, in milliseconds. */
function offsetMs(instant: Date, timeZone: string): number {
  const p = parts(instant, timeZone);
  const wall = Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour) % 24, Number(p.minute), Number(p.second));
  return wall - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The instant the wall clock in `timeZone` shows `date` (YYYY-MM-DD) at `minutes` past midnight. A time skipped by a
 * DST change lands just after the gap; a time that happens twice is its first.
 */
export function zonedInstant(date: string, minutes: number, timeZone: string): Date {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(y, m - 1, d, 0, minutes);
  // The zone's offsets a day before and a day after: any DST change near the time lies between them.
  const earlier = offsetMs(new Date(wall - 86_400_000), timeZone);
  const later = offsetMs(new Date(wall + 86_400_000), timeZone);
  const shown = [wall - earlier, wall - later].filter((instant) => offsetMs(new Date(instant), timeZone) + instant === wall);
  if (shown.length > 0) return new Date(Math.min(...shown));
  // Skipped by the clock going forward: the same time after the gap.
  return new Date(wall - earlier);
}

/** The calendar date `days` after `date` (both YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  const moved = new Date(`${date}T00:00:00Z`);
  moved.setUTCDate(moved.getUTCDate() + days);
  return moved.toISOString().slice(0, 10);
}

/** The local day `date` in `timeZone` as [start, end) instants (23 or 25 hours on DST days). */
export function localDay(date: string, timeZone: string): [Date, Date] {
  return [zonedInstant(date, 0, timeZone), zonedInstant(addDays(date, 1), 0, timeZone)];
}

/** `instant` as local ISO 8601 with its offset (2026-12-01T19:00+01:00): what a model reads as a slot's start. */
export function localIso(instant: Date, timeZone: string): string {
  const { date, time } = localTime(instant, timeZone);
  const offset = Math.round(offsetMs(instant, timeZone) / 60_000);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${date}T${time}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Whether `value` is a real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === value;
}
