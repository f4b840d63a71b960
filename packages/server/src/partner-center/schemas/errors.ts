import { z } from 'zod';
import { pcObject } from './common.ts';
import { GraphErrorSchema } from './graph.ts';

const code = z.union([z.string(), z.number()]);

/** Partner Center fault body (API.md §0.4), plain and rich variants. */
export const ApiFaultSchema = pcObject({
  code: code.optional(),
  description: z.string().optional(),
  message: z.string().optional(),
  errorName: z.string().optional(),
  isRetryable: z.boolean().optional(),
  data: z.array(z.unknown()).nullable().optional(),
  source: z.string().optional(),
  parameters: z.unknown().optional(),
  errorMessageExtended: z.string().optional(),
});
export type ApiFault = z.infer<typeof ApiFaultSchema>;

export const GraphErrorBodySchema = z.looseObject({ error: GraphErrorSchema });
export type GraphErrorBody = z.infer<typeof GraphErrorBodySchema>;

/** Gateway throttling body: `{ "statusCode": 429, "message": "Rate limit is exceeded. ..." }`. */
export const ThrottleBodySchema = pcObject({ statusCode: z.number(), message: z.string().optional() });
export type ThrottleBody = z.infer<typeof ThrottleBodySchema>;
