/**
 * Waits until the lead workflows of a phase have no workflow task pending: a grouped phase is
 * visible as soon as the API has written its first lives, while the workflows it started still
 * take their first task afterwards. A latency phase measured on top of that leftover work would
 * time the backlog, not the rate it sends.
 */
import { Client, Connection } from '@temporalio/client';
import { leadWorkflowId } from '../../workflows/lead.definitions';
import { forEachConcurrently, sleep } from './pool';
import { whole, type Log } from './report';

/** Resolves with the seconds it waited; gives up (and says so) after `maxMs`. */
export async function waitUntilSettled(temporalAddress: string, leadIds: readonly string[], log: Log, maxMs = 120_000): Promise<number> {
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const started = performance.now();
  try {
    let busy = [...leadIds];
    for (;;) {
      const still: string[] = [];
      await forEachConcurrently(busy, 16, async (leadId) => {
        const described = await client.workflow.getHandle(leadWorkflowId(leadId)).describe();
        if (described.raw.pendingWorkflowTask) still.push(leadId);
      });
      busy = still;
      const seconds = (performance.now() - started) / 1000;
      if (busy.length === 0) {
        log(`the leads' workflows have no task pending ${seconds.toFixed(1)} s after the phase`);
        return seconds;
      }
      if (performance.now() - started > maxMs) {
        log(`${whole(busy.length)} of the leads' workflows still had a task pending after ${seconds.toFixed(0)} s: measuring anyway`);
        return seconds;
      }
      log(`  waiting for the leads' workflows: ${whole(busy.length)} of ${whole(leadIds.length)} have a task pending`);
      await sleep(1_000);
    }
  } finally {
    await connection.close();
  }
}
