import { z } from 'zod';
import { ROLES } from '../../auth/roles';

const slug = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" and "-" only');

export const createKeyBody = z
  .strictObject({
    /** Who holds the key; the audit log names them. */
    name: z.string().min(1).max(100).regex(/^[\x20-\x7e]+$/, 'printable ASCII'),
    role: z.enum(ROLES),
    /** Sales keys: the queues the rep or team works. */
    queues: z.array(slug).min(1).max(50).optional(),
    /** Sales keys of one rep: their owner id in the routes. */
    owner: slug.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.role === 'sales' && !body.queues) ctx.addIssue({ code: 'custom', path: ['queues'], message: 'a sales key needs the queues it works' });
    if (body.role !== 'sales' && (body.queues || body.owner)) {
      ctx.addIssue({ code: 'custom', path: [body.queues ? 'queues' : 'owner'], message: 'only sales keys are scoped to queues and an owner' });
    }
  });

export const keyParams = z.object({ keyId: z.string().regex(/^[a-z0-9]{12}$/, 'a key id is 12 lowercase letters and digits') });
