/**
 * The worker's read-side writes, gathered. Each turn of a lead writes its input log, its ledger,
 * any handoff it opened or changed, and its snapshot; alone, each is a command of its own. The turns of many
 * leads that finish together (an interleaved stream, a burst) write together here instead: one
 * bulk command per collection for up to TURNS_PER_COMMAND turns (api/db/commands.ts). On FerretDB
 * a statement in a bulk command of 20–40 costs about half the server's CPU of one alone, and a
 * tenth of the driver's (docs/performance.md "Turns written together").
 *
 * Nothing about a turn's durability changes: its write is still the local activity's, and the
 * activity completes only once that lead's write landed. A batch that fails fails each of its
 * turns, whose activities try again (every write is idempotent). While one batch is written the
 * next one gathers, so batches grow with the load, and a lone turn is written at once.
 */
import type { ProjectionWrite } from '../../workflows/lead.definitions';
import type { LeadHistoryRepository } from './lead-histories.repository';
import type { LeadRepository } from './leads.repository';

/** Turns written in one batch at most (in commands of TURNS_PER_COMMAND statements, one at a time). */
const MAX_TURNS = 100;

interface Waiting {
  write: ProjectionWrite;
  done: () => void;
  failed: (err: unknown) => void;
}

export interface TurnWriter {
  /** Writes one turn (its input log first, then its ledger and snapshot); settles once it landed. */
  write(write: ProjectionWrite): Promise<void>;
}

export function createTurnWriter({ histories, leads }: { histories: Pick<LeadHistoryRepository, 'appendMany'>; leads: Pick<LeadRepository, 'writeTurns'> }): TurnWriter {
  const queue: Waiting[] = [];
  let writing = false;

  /** The next batch: the oldest turns, one per lead (a lead's next write waits for its earlier one). */
  const nextBatch = (): Waiting[] => {
    const batch: Waiting[] = [];
    const later: Waiting[] = [];
    const leadIds = new Set<string>();
    for (const waiting of queue) {
      const leadId = waiting.write.snapshot.leadId;
      if (batch.length < MAX_TURNS && !leadIds.has(leadId)) {
        leadIds.add(leadId);
        batch.push(waiting);
      } else later.push(waiting);
    }
    queue.splice(0, queue.length, ...later);
    return batch;
  };

  const drain = async () => {
    while (queue.length > 0) {
      const batch = nextBatch();
      const writes = batch.map((waiting) => waiting.write);
      try {
        // Each lead's input log first: a turn whose write is retried appends nothing twice.
        await histories.appendMany(writes.flatMap((write) => (write.applied ? [{ leadId: write.snapshot.leadId, from: write.applied.from, inputs: write.applied.inputs }] : [])));
        await leads.writeTurns(writes);
        for (const waiting of batch) waiting.done();
      } catch (err) {
        for (const waiting of batch) waiting.failed(err);
      }
    }
    writing = false;
  };

  return {
    write(write) {
      return new Promise<void>((done, failed) => {
        queue.push({ write, done, failed });
        if (writing) return;
        writing = true;
        // The turns that finish in the same round of the event loop go in the first batch.
        setImmediate(() => void drain());
      });
    },
  };
}
