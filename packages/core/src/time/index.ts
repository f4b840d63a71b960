export * from './calendar.ts';
export * from './period.ts';
