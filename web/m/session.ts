/** The mobile session: who is logged in, and the shared HTTP wrapper's session events. */
import { useCallback, useEffect, useState } from 'react';
import { fetchMe, type Me } from '../shared/auth';
import { installHttpHandlers } from '../shared/http';
import { navigate } from '../shared/router';

export function useMobileSession() {
  const [me, setMe] = useState<Me | null>(null);
  const [loading, setLoading] = useState(true);
  const [notice, setNotice] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      const m = await fetchMe();
      setMe(m);
      setNotice(null);
      return m;
    } catch {
      setMe(null);
      return null;
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    installHttpHandlers({
      onSession: (ev) => {
        if (ev.kind === 'passwordChangeRequired') {
          setMe((m) => (m ? { ...m, mustChangePassword: true } : m));
          navigate('/m/password', { replace: true });
          return;
        }
        setMe(null);
        setNotice((prev) => (ev.timedOut || !prev ? ev.message : prev));
        navigate('/m/login', { replace: true });
      },
    });
    void reload();
  }, [reload]);

  return { me, loading, notice, setNotice, reload, setMe };
}
