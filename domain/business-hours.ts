import { localTime, weekdays, type Weekday } from './time-zone';

/** Opening hours per weekday, in the tenant's time zone: `[{ open: "09:00", close: "17:30" }]`; none: closed. */
export type OpeningHours = Partial<Record<Weekday, { open: string; close: string }[]>>;

/** What a tenant tells customers about itself (`tenants.business_info`). */
export interface BusinessInfo {
  name?: string;
  address?: string;
  phone?: string;
  email?: string;
  website?: string;
  hours?: OpeningHours;
}

function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number];
  return h * 60 + m;
}

/**
 * Whether the business is open at `instant` in `timeZone`, counting hours that run past midnight (a close at or
 * before the opening time is the next day's), and the weekday and time it is there.
 */
export function openNow(hours: OpeningHours, instant: Date, timeZone: string): { open: boolean; weekday: Weekday; time: string } {
  const now = localTime(instant, timeZone);
  const today = weekdays.indexOf(now.weekday);
  const yesterday = weekdays[(today + 6) % 7] as Weekday;
  const open =
    (hours[now.weekday] ?? []).some(({ open, close }) => {
      const from = minutesOf(open);
      const to = minutesOf(close);
      return to > from ? now.minutes >= from && now.minutes < to : now.minutes >= from;
    }) || (hours[yesterday] ?? []).some(({ open, close }) => minutesOf(close) <= minutesOf(open) && now.minutes < minutesOf(close));
  return { open, weekday: now.weekday, time: now.time };
}

/** The hours in words per weekday, Monday first: "09:00–17:00", "closed". */
export function hoursInWords(hours: OpeningHours): Record<Weekday, string> {
  const order = [...weekdays.slice(1), weekdays[0]] as Weekday[];
  return Object.fromEntries(
    order.map((day) => {
      const spans = hours[day] ?? [];
      return [day, spans.length === 0 ? 'closed' : spans.map((s) => `${s.open}–${s.close}`).join(', ')];
    }),
  ) as Record<Weekday, string>;
}
