import type { ApiKeyRepository } from '../../db/api-keys.repository';
import { conflict, notFound } from '../../http/errors';
import { handle } from '../../http/handler';
import { documentedRouter, type DocumentedRouter } from '../../http/openapi';
import { createKeyBody, keyParams } from './keys.schemas';
import { createKey } from './keys.service';

export function keysRouter(keys: ApiKeyRepository): DocumentedRouter {
  const router = documentedRouter();

  router.get('/me', handle({ summary: 'Who the presented key belongs to, and its role' }, async ({ caller }) => ({ body: caller })));

  router.get('/keys', handle({ summary: 'Every API key, without secrets' }, async () => ({ body: { keys: await keys.list() } })));

  router.post(
    '/keys',
    handle({ summary: 'Create an API key; its secret is shown in this response only', status: 201, body: createKeyBody }, async ({ body, actor }) => ({
      status: 201,
      body: await createKey(keys, body, actor),
    })),
  );

  router.delete(
    '/keys/:keyId',
    handle({ summary: 'Revoke an API key (not the last admin key)', params: keyParams }, async ({ params }) => {
      const target = (await keys.list()).find((key) => key.keyId === params.keyId && !key.revokedAt);
      if (target?.role === 'admin' && (await keys.countActiveAdmins()) <= 1) throw conflict('This is the last admin key; create another admin key first');
      if (!(await keys.revoke(params.keyId))) throw notFound(`An active key ${params.keyId}`);
      return { body: { keyId: params.keyId, revoked: true } };
    }),
  );

  return router;
}
