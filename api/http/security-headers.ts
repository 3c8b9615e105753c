/**
 * The usual security headers on every answer of the API. Its answers are JSON, which no browser
 * should run, frame or sniff as anything else: the content security policy allows nothing. The
 * API documentation pages (`/docs`) are the one exception: Swagger UI's own scripts, styles and
 * data: images, and fetching the OpenAPI document from this origin.
 */
import type { RequestHandler } from 'express';

const COMMON = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
export const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** Sets the headers; `isDocs` tells the documentation pages' requests apart. */
export function securityHeaders(isDocs: (path: string) => boolean): RequestHandler {
  return (req, res, next) => {
    for (const [name, value] of Object.entries(COMMON)) res.setHeader(name, value);
    res.setHeader('Content-Security-Policy', isDocs(req.path) ? DOCS_CSP : API_CSP);
    next();
  };
}
