import type { z } from 'zod';

/** One line per problem: `path: message`, so a bad setting names itself. */
export function formatZodIssues(error: z.ZodError, prefix = ''): string {
  return error.issues.map((i) => `  - ${prefix}${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('\n');
}
