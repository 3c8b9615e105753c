import type { Role } from '../contracts/roles';

/** Who is calling, as their API key says. Sales keys are scoped to their queues (and owner). */
export interface Caller {
  keyId: string;
  name: string;
  role: Role;
  /** Sales only: the queues this key works. */
  queues?: string[];
  /** Sales only: the rep; handoffs assigned to other reps are not theirs. */
  owner?: string;
}
