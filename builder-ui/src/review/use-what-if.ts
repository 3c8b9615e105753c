/**
 * The what-if preview of one threshold value, asked for once the value has stayed put for
 * `delayMs` (a slider being dragged asks once, not at every step). An answer for a value that
 * has moved on since is dropped.
 */
import { useEffect, useState } from 'react';
import { describeError, type WhatIf } from '../api/client';
import { useApi } from '../shell/session';

export interface WhatIfState {
  result: WhatIf | null;
  /** The shown result is not for the value asked about yet (waiting, or asking). */
  pending: boolean;
  error: string | null;
}

export const WHAT_IF_DELAY_MS = 300;

export function useWhatIf(nodeId: string | null, value: number | null, bandWidth: number, delayMs = WHAT_IF_DELAY_MS): WhatIfState {
  const client = useApi();
  const key = nodeId === null || value === null ? null : `${nodeId}|${value}|${bandWidth}`;
  const [answer, setAnswer] = useState<{ key: string | null; result: WhatIf | null; error: string | null }>({ key: null, result: null, error: null });

  useEffect(() => {
    if (nodeId === null || value === null) return;
    let current = true;
    const timer = setTimeout(() => {
      client.whatIf(nodeId, value, bandWidth).then(
        (result) => current && setAnswer({ key, result, error: null }),
        (error: unknown) => current && setAnswer((before) => ({ key, result: before.result, error: describeError(error) })),
      );
    }, delayMs);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [client, key, nodeId, value, bandWidth, delayMs]);

  // A result for another threshold says nothing about this one.
  const sameNode = answer.result?.nodeId === nodeId;
  return { result: sameNode ? answer.result : null, pending: key !== null && answer.key !== key, error: answer.key === key ? answer.error : null };
}
