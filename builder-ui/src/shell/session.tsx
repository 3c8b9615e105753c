/**
 * Who is signed in. The API key lives in localStorage (`leadflow.apiKey`); `GET /api/me` says
 * whose it is and with which role. A 401 from any call signs out, with the API's reason.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiError, createApiClient, describeError, type ApiClient, type Me } from '../api/client';

export const KEY_STORAGE = 'leadflow.apiKey';

export type SessionState =
  | { status: 'signed-out'; reason?: string }
  | { status: 'checking' }
  /** The key could not be checked (the API is down, or has no /api/me): it is kept, to try again. */
  | { status: 'unchecked'; error: string }
  | { status: 'signed-in'; me: Me };

interface Session {
  state: SessionState;
  client: ApiClient;
  signIn: (key: string) => void;
  signOut: (reason?: string) => void;
  retry: () => void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children, storage = window.localStorage }: { children: ReactNode; storage?: Storage }) {
  const [key, setKey] = useState<string | null>(() => storage.getItem(KEY_STORAGE));
  const [state, setState] = useState<SessionState>(key ? { status: 'checking' } : { status: 'signed-out' });
  const [attempt, setAttempt] = useState(0);
  const keyRef = useRef(key);
  keyRef.current = key;

  const signOut = useCallback(
    (reason?: string) => {
      storage.removeItem(KEY_STORAGE);
      keyRef.current = null;
      setKey(null);
      setState(reason ? { status: 'signed-out', reason } : { status: 'signed-out' });
    },
    [storage],
  );

  const client = useMemo(
    () => createApiClient({ getKey: () => keyRef.current, onUnauthorized: (error) => signOut(`The API refused the key: ${error.message}`) }),
    [signOut],
  );

  const signIn = useCallback(
    (next: string) => {
      storage.setItem(KEY_STORAGE, next);
      keyRef.current = next;
      setKey(next);
      setState({ status: 'checking' });
    },
    [storage],
  );

  useEffect(() => {
    if (!key) return;
    let current = true;
    setState({ status: 'checking' });
    client
      .me()
      .then((me) => current && setState({ status: 'signed-in', me }))
      .catch((error: unknown) => {
        // 401 has signed out already (onUnauthorized).
        if (!current || (error instanceof ApiError && error.unauthorized)) return;
        setState({ status: 'unchecked', error: describeError(error) });
      });
    return () => {
      current = false;
    };
  }, [key, client, attempt]);

  const value = useMemo(() => ({ state, client, signIn, signOut, retry: () => setAttempt((n) => n + 1) }), [state, client, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession needs a SessionProvider above it');
  return session;
}

export function useApi(): ApiClient {
  return useSession().client;
}

/** The signed-in caller; only for screens shown after sign-in. */
export function useMe(): Me {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useMe is for screens shown after sign-in');
  return state.me;
}
