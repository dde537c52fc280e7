import { describe, expect, it } from 'vitest';
import { formatDuration, localDateStamp, parseDuration, toLocalDateTime } from '../src/time.js';

describe('local date-times', () => {
  it('formats as the seed shows: yyyy-MM-ddTHH:mm:ss without zone', () => {
    const ms = new Date(2026, 1, 5, 10, 0, 5, 999).getTime(); // local time
    expect(toLocalDateTime(ms)).toBe('2026-02-05T10:00:05');
  });

  it('uses the server time zone for the tid date', () => {
    const ms = new Date(2026, 11, 31, 23, 59, 59).getTime();
    expect(localDateStamp(ms)).toBe('20261231');
  });
});

describe('durations', () => {
  it('reads milliseconds, as a number or text, or text with a unit', () => {
    const read = [5000, '5000', ' 5s ', '300ms', '1.5s', '5 m', '2h', '1d', 0].map(parseDuration);
    expect(read).toEqual([5000, 5000, 5000, 300, 1500, 300_000, 7_200_000, 86_400_000, 0]);
  });

  it('refuses negatives, other units, exponents and anything not a duration', () => {
    for (const raw of [-1, '-1s', '5w', '1e3', 1e21, 's', '', null, true, {}]) expect(parseDuration(raw)).toBeUndefined();
  });
});

describe('durations as written', () => {
  it('uses the largest unit that divides evenly, and reads back as it was', () => {
    expect([0, 1500, 5000, 300_000, 7_200_000, 86_400_000, 90_061].map(formatDuration)).toEqual(['0', '1500ms', '5s', '5m', '2h', '1d', '90061ms']);
    for (const ms of [0, 1, 999, 1000, 61_000, 3_600_000, 36_000_000]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});
