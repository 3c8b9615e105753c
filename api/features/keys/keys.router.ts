import type { ApiKeyRepository } from '../../db/api-keys.repository';
import { conflict, notFound } from '../../http/errors';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { keysOperations as ops } from '../../contracts/keys.contract';
import { createKey, workedQueues } from './keys.service';

export function keysRouter(keys: ApiKeyRepository): DocumentedRouter {
  const router = documentedRouter();

  router.serve(handle(ops.getMe, async ({ caller }) => ({ body: caller })));

  router.serve(handle(ops.listWorkedQueues, async () => ({ body: { queues: await workedQueues(keys) } })));

  router.serve(handle(ops.listKeys, async () => ({ body: { keys: await keys.list() } })));

  router.serve(
    handle(ops.createKey, async ({ body, actor }) => ({
      status: 201,
      body: await createKey(keys, body, actor),
    })),
  );

  router.serve(
    handle(ops.revokeKey, async ({ params }) => {
      const target = (await keys.list()).find((key) => key.keyId === params.keyId && !key.revokedAt);
      if (target?.role === 'admin' && (await keys.countActiveAdmins()) <= 1) throw conflict('This is the last admin key; create another admin key first');
      if (!(await keys.revoke(params.keyId))) throw notFound(`An active key ${params.keyId}`);
      return { body: { keyId: params.keyId, revoked: true } };
    }),
  );

  return router;
}
