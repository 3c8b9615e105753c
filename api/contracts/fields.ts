/** Small field schemas many operations share: ids, instants, facts. */
import { z } from 'zod';

/** An id made of letters, digits, "_" and "-": model, node, queue, segment and rep ids. */
export const slug = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'use letters, digits, "_" and "-" only');

/** An instant as the API writes it: ISO 8601 with an offset (UTC, `Z`, unless it came from a client with another). */
export const instant = z.iso.datetime({ offset: true });

/** An attribute's or an event property's name: it becomes a fact name and a database field name, so no "$" and no ".". */
export const factKey = z.string().min(1).max(64).regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'keys are letters, digits and "_", starting with a letter');
export const factValue = z.union([z.string().max(2000), z.number().finite(), z.boolean(), z.null()]);

/**
 * The width of a report's score bands. Narrower than a hundredth of a point says nothing, and a
 * width near zero (5e-324) divides scores into infinities that JSON cannot carry.
 */
export const BAND_WIDTH = { min: 0.01, max: 10_000, message: 'at least 0.01 points' } as const;

/** A count of things. */
export const count = z.number().int().nonnegative();

/** A share between 0 and 1, or null with nothing to divide by. */
export const rate = z.number().min(0).max(1).nullable();
