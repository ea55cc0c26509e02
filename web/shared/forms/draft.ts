/**
 * 草稿: the form data of a task kept in localStorage while it is being filled in, per user and
 * task, so a dropped connection or a closed tab loses nothing. Cleared after a successful submit.
 */
export interface Draft {
  data: Record<string, unknown>;
  savedAt: string;
}

const key = (userId: number | string, taskId: number | string) => `task-draft:${userId}:${taskId}`;

export function loadDraft(userId: number | string, taskId: number | string): Draft | null {
  try {
    const raw = localStorage.getItem(key(userId, taskId));
    return raw ? (JSON.parse(raw) as Draft) : null;
  } catch {
    return null;
  }
}

export function saveDraft(userId: number | string, taskId: number | string, data: Record<string, unknown>): Draft {
  const d: Draft = { data, savedAt: new Date().toISOString() };
  try {
    localStorage.setItem(key(userId, taskId), JSON.stringify(d));
  } catch {
    // Storage full or disabled (private mode): the form still works, only without a draft.
  }
  return d;
}

export function clearDraft(userId: number | string, taskId: number | string): void {
  try {
    localStorage.removeItem(key(userId, taskId));
  } catch {
    // see saveDraft
  }
}
