// Accepting a chat from anywhere (queue row, conversation header, Ctrl+Enter), with the 409 race
// told in words an agent understands.
import { useCallback, useState } from 'react';
import { api, ApiError, errorText } from './api';
import { useDesk } from './desk-context';
import { navigate } from './router';

export function acceptFailureText(err: unknown): string {
  if (err instanceof ApiError && err.code === 'ALREADY_ASSIGNED') return 'Another agent took this chat';
  if (err instanceof ApiError && err.code === 'AGENT_UNAVAILABLE') return err.message || 'You are at your maximum number of chats';
  return `Could not accept: ${errorText(err)}`;
}

export function useAccept() {
  const desk = useDesk();
  const [busy, setBusy] = useState<string>();
  const accept = useCallback(
    async (id: string) => {
      setBusy(id);
      try {
        await api.accept(id);
        desk.toast('Chat accepted — the bot is paused', 'success');
        await desk.refreshLists();
        navigate('mine', id);
        return true;
      } catch (err) {
        desk.toast(acceptFailureText(err), 'error');
        void desk.refreshLists();
        return false;
      } finally {
        setBusy(undefined);
      }
    },
    [desk],
  );
  return { accept, busy };
}
