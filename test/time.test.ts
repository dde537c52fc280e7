import { describe, expect, it } from 'vitest';
import { localDateStamp, toLocalDateTime } from '../src/time.js';

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
