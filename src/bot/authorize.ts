import type { Policy } from '../model/index.js';

export interface Actor {
  id: string;
  name: string;
  roles: readonly string[];
}

/** Only operators listed in policy (user ids or role ids) may change anything. */
export function isOperator(operators: Policy['operators'], actor: Actor): boolean {
  return operators.users.includes(actor.id) || actor.roles.some((role) => operators.roles.includes(role));
}
