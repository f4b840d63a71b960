import { dateInZone, Temporal } from '@cspc/core';
import { describe, expect, it } from 'vitest';
import { dayInZone } from './zone-days.ts';

const HOUR = 3_600_000;

describe('dayInZone', () => {
  it('equals dateInZone around DST transitions and in zones without DST', () => {
    const zones = [
      'Asia/Tokyo',
      'Europe/Berlin',
      'America/Santiago',
      'Australia/Lord_Howe',
      'America/New_York',
      'Asia/Kolkata',
      'Pacific/Apia',
      '+09:00',
      'UTC',
    ];
    const start = Date.UTC(2011, 0, 1);
    for (const zone of zones) {
      // every 97 minutes over a year and a bit (crosses every transition at odd minutes), plus
      // back-and-forth jumps so spans are reused out of order
      for (let t = start; t < start + 400 * 24 * HOUR; t += 97 * 60_000) {
        const expected = dateInZone(Temporal.Instant.fromEpochMilliseconds(t), zone).toString();
        expect(dayInZone(t, zone).toString(), `${zone} ${new Date(t).toISOString()}`).toBe(expected);
      }
      for (let i = 0; i < 500; i++) {
        const t = Date.UTC(1990, 0, 1) + ((i * 7919 * HOUR + i * 61_000) % (45 * 365 * 24 * HOUR));
        const expected = dateInZone(Temporal.Instant.fromEpochMilliseconds(t), zone).toString();
        expect(dayInZone(t, zone).toString(), `${zone} ${new Date(t).toISOString()}`).toBe(expected);
      }
    }
  }, 120_000);

  it('refuses an unknown time zone like dateInZone', () => {
    expect(() => dayInZone(0, 'Mars/Olympus')).toThrow(/time zone/i);
  });
});
