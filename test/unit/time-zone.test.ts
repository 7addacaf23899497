import { describe, expect, it } from 'vitest';
import { hoursInWords, openNow, type OpeningHours } from '../../domain/business-hours';
import { isIsoDate, localDay, localIso, localTime, zonedInstant } from '../../domain/time-zone';

const vancouver = 'America/Vancouver';
const newYork = 'America/New_York';

describe('local time in a tenant time zone', () => {
  it('finds the instant of a wall-clock time on either side of a DST change', () => {
    expect(zonedInstant('2026-07-06', 9 * 60, newYork).toISOString()).toBe('2026-07-06T13:00:00.000Z');
    expect(zonedInstant('2026-01-05', 9 * 60, newYork).toISOString()).toBe('2026-01-05T14:00:00.000Z');
    // 02:30 does not happen on 8 March 2026 in New York: it lands an hour on, after the gap.
    expect(zonedInstant('2026-03-08', 2 * 60 + 30, newYork).toISOString()).toBe('2026-03-08T07:30:00.000Z');
    // 01:30 happens twice on 1 November 2026: the first. East of UTC too (Berlin, 25 October 2026, 02:30).
    expect(zonedInstant('2026-11-01', 60 + 30, newYork).toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(zonedInstant('2026-10-25', 2 * 60 + 30, 'Europe/Berlin').toISOString()).toBe('2026-10-25T00:30:00.000Z');
    expect(zonedInstant('2026-03-29', 2 * 60 + 30, 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:30:00.000Z');
    expect(zonedInstant('2026-12-01', 19 * 60, 'Asia/Kolkata').toISOString()).toBe('2026-12-01T13:30:00.000Z');
  });

  it('makes DST days 23 and 25 hours long', () => {
    const hours = ([from, to]: [Date, Date]) => (to.getTime() - from.getTime()) / 3_600_000;
    expect(hours(localDay('2026-03-08', newYork))).toBe(23);
    expect(hours(localDay('2026-11-01', newYork))).toBe(25);
    expect(hours(localDay('2026-06-01', newYork))).toBe(24);
  });

  it('writes local times with their offset, and reads the weekday there', () => {
    expect(localIso(new Date('2026-12-02T03:00:00Z'), newYork)).toBe('2026-12-01T22:00-05:00');
    expect(localIso(new Date('2026-07-02T02:00:00Z'), newYork)).toBe('2026-07-01T22:00-04:00');
    expect(localIso(new Date('2026-12-01T13:30:00Z'), 'Asia/Kolkata')).toBe('2026-12-01T19:00+05:30');
    expect(localTime(new Date('2026-12-02T03:00:00Z'), newYork)).toMatchObject({ date: '2026-12-01', weekday: 'tuesday', time: '22:00' });
    expect(localTime(new Date('2026-12-02T03:00:00Z'), 'Europe/Paris')).toMatchObject({ date: '2026-12-02', weekday: 'wednesday', time: '04:00' });
  });

  it('takes only real calendar dates', () => {
    for (const date of ['2026-02-28', '2028-02-29']) expect(isIsoDate(date), date).toBe(true);
    for (const date of ['2026-02-29', '2026-13-01', '2026-00-10', '2026-1-1', 'tomorrow', '']) expect(isIsoDate(date), date).toBe(false);
  });
});

describe('opening hours', () => {
  const hours: OpeningHours = { monday: [{ open: '09:00', close: '17:00' }], friday: [{ open: '18:00', close: '02:00' }] };

  it('is open within the hours of the local weekday, summer and winter alike', () => {
    expect(openNow(hours, new Date('2026-07-06T16:30:00Z'), vancouver)).toEqual({ open: true, weekday: 'monday', time: '09:30' });
    expect(openNow(hours, new Date('2026-01-05T16:30:00Z'), vancouver)).toEqual({ open: false, weekday: 'monday', time: '08:30' });
    expect(openNow(hours, new Date('2026-01-06T00:59:00Z'), vancouver).open).toBe(true);
    expect(openNow(hours, new Date('2026-01-06T01:00:00Z'), vancouver).open).toBe(false);
  });

  it("counts hours that run past midnight on the next day's clock", () => {
    // Saturday 01:00 in Vancouver, inside Friday's 18:00–02:00.
    expect(openNow(hours, new Date('2026-01-10T09:00:00Z'), vancouver)).toEqual({ open: true, weekday: 'saturday', time: '01:00' });
    expect(openNow(hours, new Date('2026-01-10T10:30:00Z'), vancouver).open).toBe(false);
  });

  it('says the hours in words, Monday first', () => {
    expect(Object.entries(hoursInWords(hours))[0]).toEqual(['monday', '09:00–17:00']);
    expect(hoursInWords(hours).sunday).toBe('closed');
  });
});
