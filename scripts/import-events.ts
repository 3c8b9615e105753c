/**
 * Imports a history of events into a running LeadFlow (a CRM backfill), streaming the file to
 * POST /api/imports/events and printing progress as it goes.
 *
 *   npm run import:events -- events.ndjson [--api http://127.0.0.1:3000] [--key $INGEST_KEY] [--import-id NAME]
 *
 * NDJSON (one event per line, as POST /api/events takes it) or CSV (.csv: columns eventId,
 * leadId, type, occurredAt, properties.<name>, attributes.<name>). The import is named after the
 * file (its name, size and modification time) unless --import-id says otherwise, so running the
 * same command again after it was cut short resumes it where it stopped. The key comes from
 * --key or LEADFLOW_API_KEY; the API from --api or LEADFLOW_API_URL (default http://127.0.0.1:3000).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';

const USAGE = `Imports a history of events (NDJSON or CSV) into a running LeadFlow, resumably.

  npm run import:events -- <file> [--api URL] [--key KEY] [--import-id NAME]

  <file>        .ndjson / .jsonl (one event per line) or .csv (eventId, leadId, type, occurredAt,
                properties.<name>, attributes.<name>)
  --api         the API (default LEADFLOW_API_URL or http://127.0.0.1:3000)
  --key         an API key with the ingest role (default LEADFLOW_API_KEY)
  --import-id   the import's name (default: from the file's name, size and time); the same name resumes`;

interface ImportRecord {
  importId: string;
  status: string;
  rows: number;
  processed: number;
  imported: number;
  rejected: number;
  failed: number;
  errors: Array<{ line: number; column?: string; message: string }>;
  moreErrors: number;
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
    console.log(USAGE);
    return argv.length === 0 ? 2 : 0;
  }
  const option = (name: string) => {
    const at = argv.indexOf(`--${name}`);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const file = argv.find((arg, i) => !arg.startsWith('--') && !argv[i - 1]?.startsWith('--'));
  const api = (option('api') ?? process.env.LEADFLOW_API_URL ?? 'http://127.0.0.1:3000').replace(/\/$/, '');
  const key = option('key') ?? process.env.LEADFLOW_API_KEY;
  if (!file) return fail(`import:events: name the file to import\n\n${USAGE}`);
  if (!key) return fail('import:events: give an API key with the ingest role (--key, or LEADFLOW_API_KEY)');
  let info;
  try {
    info = await stat(file);
  } catch {
    return fail(`import:events: cannot read ${file}`);
  }
  const format = /\.csv$/i.test(file) ? 'csv' : 'ndjson';
  const importId = option('import-id') ?? `${path.basename(file).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60)}-${createHash('sha256').update(`${path.resolve(file)}:${info.size}:${info.mtimeMs}`).digest('hex').slice(0, 12)}`;
  const headers = { authorization: `Bearer ${key}` };
  const started = Date.now();
  let read = 0;
  const body = createReadStream(file);
  body.on('data', (chunk) => (read += chunk.length));
  console.log(`importing ${file} (${(info.size / 1e6).toFixed(1)} MB, ${format}) as import ${importId}`);
  // Progress while it runs: bytes sent, and the rows the API has done.
  const progress = setInterval(async () => {
    const response = await fetch(`${api}/api/imports/${importId}`, { headers }).catch(() => undefined);
    const record = response?.ok ? ((await response.json()) as ImportRecord) : undefined;
    const seconds = (Date.now() - started) / 1000;
    console.log(`  ${((read / Math.max(1, info.size)) * 100).toFixed(0)} % of the file sent; ${record ? `${record.processed.toLocaleString('en-US')} rows done (${record.imported.toLocaleString('en-US')} imported, ${record.rejected} rejected, ${record.failed} failed)` : 'starting'}, ${seconds.toFixed(0)} s`);
  }, 5_000);
  try {
    const response = await fetch(`${api}/api/imports/events?importId=${encodeURIComponent(importId)}&format=${format}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': format === 'csv' ? 'text/csv' : 'application/x-ndjson' },
      body: Readable.toWeb(body) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const answer = (await response.json()) as ImportRecord & { error?: { message: string } };
    if (!response.ok) return fail(`import:events: ${answer.error?.message ?? response.statusText} (HTTP ${response.status})`);
    const seconds = (Date.now() - started) / 1000;
    console.log(`done in ${seconds.toFixed(1)} s: ${answer.rows.toLocaleString('en-US')} rows, ${answer.imported.toLocaleString('en-US')} imported, ${answer.rejected} rejected, ${answer.failed} failed (${Math.round(answer.processed / seconds).toLocaleString('en-US')} rows/s)`);
    for (const error of answer.errors.slice(0, 20)) console.log(`  line ${error.line}${error.column ? ` (${error.column})` : ''}: ${error.message}`);
    if (answer.errors.length > 20 || answer.moreErrors > 0) console.log(`  … ${answer.errors.length - 20 + answer.moreErrors} more: GET ${api}/api/imports/${importId}`);
    if (answer.failed > 0) console.log('Some rows failed for a passing reason: run the same command again to retry them.');
    return answer.failed > 0 ? 1 : 0;
  } catch (err) {
    return fail(`import:events: the upload broke off (${(err as Error).message}); run the same command again to resume`);
  } finally {
    clearInterval(progress);
  }
}

function fail(message: string): number {
  console.error(message);
  return 1;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  process.exitCode = await main(process.argv.slice(2));
}
