import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { Name } from './names.js';
import { Duration } from './time.js';

/** A cron expression (5 or 6 fields, UTC), checked by the same parser that evaluates it. */
export const CronExpression = z.string().superRefine((value, ctx) => {
  try {
    CronExpressionParser.parse(value, { tz: 'UTC' });
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `expected a cron expression such as "0 3 * * 0" (${(error as Error).message})`,
    });
  }
});

/** A recurring window: starts at each cron match (UTC) and lasts `duration`, on the listed nodes and on nodes with the listed labels. */
export const MaintenanceWindow = z
  .strictObject({
    name: z.string().min(1).optional().describe('shown in the chronicle; defaults to the cron expression'),
    cron: CronExpression.describe('when the window starts, in UTC, e.g. "0 3 * * 0" for Sundays at 03:00'),
    duration: Duration.describe('how long the window lasts, e.g. 2h'),
    nodes: z.array(Name).default([]).describe('nodes the window covers'),
    labels: z.array(Name).default([]).describe('nodes carrying any of these labels (host.yaml) are covered too'),
  })
  .refine((window) => window.nodes.length + window.labels.length > 0, {
    message: 'expected at least one node or label in a maintenance window',
  });
export type MaintenanceWindow = z.infer<typeof MaintenanceWindow>;
