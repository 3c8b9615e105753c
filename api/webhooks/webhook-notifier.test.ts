import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../workflows/lead.definitions';
import { createWebhookNotifier, sign } from './webhook-notifier';

const notification = {
  type: 'handoff.created',
  key: 'l1:1:handoff.created:0',
  handoff: { handoffId: 'l1:1', leadId: 'l1', queue: 'inbound-sales', status: 'pending' },
  lead: { leadId: 'l1', stage: 'mql', total: 75, grade: null },
} as unknown as Notification;

let close: (() => void) | undefined;
afterEach(() => close?.());

/** A real HTTP receiver on loopback that answers with `statuses` in turn. */
async function receiver(statuses: number[]) {
  const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(statuses.shift() ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  close = () => server.close();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received };
}

describe('webhook notifier', () => {
  it('posts the change signed, with a key that lets the receiver drop repeats', async () => {
    const hook = await receiver([200]);
    await createWebhookNotifier({ url: hook.url, secret: 'a-long-shared-secret' })(notification);
    const [request] = hook.received;
    expect(request?.headers['idempotency-key']).toBe('l1:1:handoff.created:0');
    expect(request?.headers['x-leadflow-event']).toBe('handoff.created');
    expect(request?.headers['x-leadflow-signature']).toBe(`sha256=${sign('a-long-shared-secret', request!.body)}`);
    expect(JSON.parse(request!.body)).toMatchObject({ type: 'handoff.created', handoff: { handoffId: 'l1:1' }, lead: { stage: 'mql' } });
  });

  it('throws on a failed delivery so the activity is retried, with the same key', async () => {
    const hook = await receiver([503, 200]);
    const notify = createWebhookNotifier({ url: hook.url });
    await expect(notify(notification)).rejects.toThrow(/answered 503/);
    await notify(notification);
    expect(hook.received.map((r) => r.headers['idempotency-key'])).toEqual(['l1:1:handoff.created:0', 'l1:1:handoff.created:0']);
    expect(hook.received[0]?.headers['x-leadflow-signature']).toBeUndefined();
  });

  it('does nothing without a URL', async () => {
    await expect(createWebhookNotifier({})(notification)).resolves.toBeUndefined();
  });

  it('refuses registered receivers at loopback or private addresses at delivery, literal or by name, unless allowed', async () => {
    const hook = await receiver([200, 200]);
    const byName = hook.url.replace('127.0.0.1', 'localhost');
    // A name checked when it was registered may resolve elsewhere by delivery: the connection's own lookup is checked.
    for (const url of [hook.url, byName]) {
      const notify = createWebhookNotifier({ registered: async () => [{ url }] });
      await expect(notify(notification)).rejects.toThrow(/loopback, private or link-local address/);
    }
    expect(hook.received).toHaveLength(0);
    await createWebhookNotifier({ registered: async () => [{ url: byName }], allowPrivate: true })(notification);
    // The operator's own receiver (LEADFLOW_WEBHOOK_URL) is trusted.
    await createWebhookNotifier({ url: hook.url })(notification);
    expect(hook.received).toHaveLength(2);
  });
});
