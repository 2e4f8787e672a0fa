import { z } from 'zod';

/**
 * The chronicle as the site reads it. Other parts of labwarden write these files; the site
 * only displays them, so it accepts any line that has the fields it shows, ignores extra
 * fields, and counts (rather than fails on) lines it cannot use.
 */
export const IncidentEvent = z.looseObject({
  id: z.string().min(1),
  at: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'a timestamp'),
  event: z.string().min(1).describe('opened | escalated | deescalated | resolved | flapping | stable'),
  fingerprint: z.string().optional(),
  node: z.string().min(1),
  service: z.string().optional(),
  drift: z.string().optional(),
  severity: z.string().default('warning'),
  recommendation: z.string().optional(),
  action: z.string().optional(),
  reason: z.string().default(''),
});
export type IncidentEvent = z.infer<typeof IncidentEvent>;

export interface JsonLines<T> {
  entries: T[];
  /** Lines that were not JSON or lacked a field the site needs. */
  skipped: number;
}

export function parseJsonLines<S extends z.ZodType>(text: string | undefined, schema: S): JsonLines<z.output<S>> {
  const entries: z.output<S>[] = [];
  let skipped = 0;
  for (const line of (text ?? '').split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      skipped++;
      continue;
    }
    const parsed = schema.safeParse(value);
    if (parsed.success) entries.push(parsed.data);
    else skipped++;
  }
  return { entries, skipped };
}
