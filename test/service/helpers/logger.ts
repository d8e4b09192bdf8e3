import { pino } from 'pino';

/** A silent logger for tests (set TEST_LOG=1 to see the logs). */
export const testLogger = pino({ level: process.env.TEST_LOG ? 'debug' : 'silent' });
