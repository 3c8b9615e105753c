/**
 * What Node's HTTP parser answers itself, before Express sees a request: a request line and
 * headers over its limit (16 KB: a query string of hundreds of columns), or a request it cannot
 * parse. Node would answer with an empty body; these get the one error shape like every other.
 */
import type { Socket } from 'node:net';
import type { ErrorBody } from './errors';

export function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  // A client that hung up hears nothing.
  if (err.code === 'ECONNRESET' || !socket.writable) return;
  const [status, reason, body]: [number, string, ErrorBody] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', { error: { status: 431, code: 'headers_too_large', message: 'The request line and headers are larger than 16 KB; send long lists in a body, or fewer of them' } }]
      : [400, 'Bad Request', { error: { status: 400, code: 'invalid_request', message: 'The request is not valid HTTP' } }];
  const json = JSON.stringify(body);
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`);
}
