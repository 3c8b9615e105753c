import { randomBytes, randomUUID } from 'node:crypto';
import type { WebhookRepository } from '../../db/webhooks.repository';
import { HttpError, notFound } from '../../http/errors';
import { refusedWebhookUrl } from '../../webhooks/webhook-address';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { webhooksOperations as ops } from '../../contracts/webhooks.contract';

export function webhooksRouter(webhooks: WebhookRepository, options: { allowPrivate: boolean }): DocumentedRouter {
  const router = documentedRouter();
  router.serve(handle(ops.listWebhooks, async () => ({ body: { webhooks: await webhooks.list() } })));
  router.serve(
    handle(
      ops.createWebhook,
      async ({ body, actor }) => {
        // Checked again at every delivery, against the address then (DNS rebinding).
        const refused = options.allowPrivate ? undefined : await refusedWebhookUrl(body.url);
        if (refused) throw new HttpError(400, 'invalid_request', `Invalid request: body.url: ${refused}`, [{ path: 'body.url', message: refused }]);
        const record = { webhookId: randomUUID(), ...body, secret: body.secret ?? randomBytes(24).toString('base64url'), createdAt: new Date(), createdBy: actor };
        await webhooks.insert(record);
        return { status: 201, body: record };
      },
    ),
  );
  router.serve(
    handle(ops.deleteWebhook, async ({ params }) => {
      if (!(await webhooks.remove(params.webhookId))) throw notFound(`Webhook ${params.webhookId}`);
      return { body: { webhookId: params.webhookId, removed: true } };
    }),
  );
  return router;
}
