/**
 * The logged-in user for the whole back office, plus what happens when the server ends a session
 * (back to login with the server's message) or demands a password change.
 */
import { App } from 'antd';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { logout as apiLogout, fetchMe, type Me } from '../shared/auth';
import { ApiRequestError, installHttpHandlers } from '../shared/http';
import { navigate } from '../shared/router';
import { type Access, accessFor } from './access';

interface SessionValue {
  me: Me | null;
  access: Access;
  /** Still asking the server who we are (first paint). */
  loading: boolean;
  /** A message for the login page (session expired, logged out). */
  notice: string | null;
  reload: () => Promise<Me | null>;
  logout: () => Promise<void>;
}

const SessionContext = createContext<SessionValue | null>(null);

export function useSession(): SessionValue {
  const v = useContext(SessionContext);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

const loginUrl = () => {
  const here = window.location.pathname + window.location.search;
  return here.startsWith('/login') || here === '/' ? '/login' : `/login?next=${encodeURIComponent(here)}`;
};

export function SessionProvider({ children }: { children: ReactNode }) {
  const { message } = App.useApp();
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [notice, setNotice] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      const m = await fetchMe();
      setMe(m);
      setNotice(null);
      return m;
    } catch (e) {
      if (!(e instanceof ApiRequestError) || e.status !== 401) message.error((e as Error).message);
      setMe(null);
      return null;
    } finally {
      setLoading(false);
    }
  }, [message]);

  useEffect(() => {
    installHttpHandlers({
      onSession: (ev) => {
        if (ev.kind === 'expired') {
          setMe(null);
          // Parallel requests of the same click: the first says "timed out", the rest only "not logged in".
          setNotice((prev) => (ev.timedOut || !prev ? ev.message : prev));
          if (!window.location.pathname.startsWith('/login')) navigate(loginUrl(), { replace: true });
        } else {
          setNotice(ev.message);
          setMe((m) => (m ? { ...m, mustChangePassword: true } : m));
          if (window.location.pathname !== '/password') navigate('/password', { replace: true });
        }
      },
      onError: (e) => message.error(e.message),
    });
    void reload();
  }, [message, reload]);

  const logout = useCallback(async () => {
    try {
      await apiLogout();
    } catch {
      // Logging out of an already-expired session is fine.
    }
    setMe(null);
    setNotice('您已安全退出');
    navigate('/login', { replace: true });
  }, []);

  const value = useMemo<SessionValue>(
    () => ({ me, access: accessFor(me), loading, notice, reload, logout }),
    [me, loading, notice, reload, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
