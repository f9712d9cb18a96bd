// Everything the signed-in desk shares across pages: who I am, the socket, the queue and my chats
// (kept fresh from queue.updated events), canned responses, unread counts and toasts.
import type { ServerEvent } from '@baton/proto';
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { api, errorText, type Agent, type AgentConversation, type AgentStatus, type CannedResponse } from './api';
import { newIds, sortByActivity, sortQueue, userLabel } from './conversation-state';
import { beep, showNotification, titleWithBadge } from './notify';
import { navigate } from './router';
import { DeskSocket, type SocketState } from './socket';

export interface Toast {
  id: number;
  text: string;
  kind: 'info' | 'error' | 'success';
}

export interface DeskValue {
  me: Agent;
  setStatus: (s: AgentStatus) => Promise<void>;
  logout: () => Promise<void>;
  socket: DeskSocket;
  socketState: SocketState;
  queue: AgentConversation[];
  mine: AgentConversation[];
  listsLoaded: boolean;
  refreshLists: () => Promise<void>;
  canned: CannedResponse[];
  reloadCanned: () => Promise<void>;
  unread: Record<string, number>;
  /** whether a conversation is one of my live chats right now (read at call time, never stale) */
  isMyChat: (id: string) => boolean;
  /** the conversation on screen: its messages do not count as unread */
  setOpenId: (id: string | undefined) => void;
  toast: (text: string, kind?: Toast['kind']) => void;
  toasts: Toast[];
  dismissToast: (id: number) => void;
  isSupervisor: boolean;
  isAdmin: boolean;
}

const Ctx = createContext<DeskValue | null>(null);

export function useDesk(): DeskValue {
  const v = useContext(Ctx);
  if (!v) throw new Error('useDesk outside DeskProvider');
  return v;
}

export function DeskProvider(props: { agent: Agent; onLoggedOut: () => void; children: ReactNode }) {
  const [me, setMe] = useState(props.agent);
  const socket = useMemo(() => new DeskSocket(), []);
  const [socketState, setSocketState] = useState<SocketState>('connecting');
  const [queue, setQueue] = useState<AgentConversation[]>([]);
  const [mine, setMine] = useState<AgentConversation[]>([]);
  const [listsLoaded, setListsLoaded] = useState(false);
  const [canned, setCanned] = useState<CannedResponse[]>([]);
  const [unread, setUnread] = useState<Record<string, number>>({});
  const [toasts, setToasts] = useState<Toast[]>([]);
  const openId = useRef<string | undefined>(undefined);
  const queueRef = useRef<AgentConversation[] | null>(null);
  const meRef = useRef(me);
  meRef.current = me;
  const mineRef = useRef<AgentConversation[]>([]);

  const toast = useCallback((text: string, kind: Toast['kind'] = 'info') => {
    const id = Date.now() + Math.random();
    setToasts((t) => [...t.slice(-3), { id, text, kind }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), kind === 'error' ? 7000 : 4000);
  }, []);
  const dismissToast = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);

  const refreshLists = useCallback(async () => {
    try {
      const [q, m] = await Promise.all([api.conversations({ status: 'offloaded' }), api.conversations({ status: 'agent' })]);
      const sortedQueue = sortQueue(q.conversations);
      const previous = queueRef.current;
      queueRef.current = sortedQueue;
      // the first load is not news; later arrivals are, unless I am offline
      if (previous) {
        const fresh = newIds(previous, sortedQueue);
        if (fresh.length && meRef.current.status !== 'offline') {
          beep();
          const first = sortedQueue.find((c) => c.id === fresh[0]);
          showNotification(
            fresh.length === 1 ? 'New chat waiting' : `${fresh.length} new chats waiting`,
            first ? `${userLabel(first)}${first.skill ? ` · ${first.skill}` : ''} — ${first.handover?.reason ?? 'handover'}` : '',
            () => first && navigate('queue', first.id),
          );
        }
      }
      setQueue(sortedQueue);
      // my chats: only those I own (a supervisor's "agent" list may include others' with scope=all)
      const myChats = sortByActivity(m.conversations.filter((c) => c.assignee?.id === meRef.current.id));
      mineRef.current = myChats;
      // follow every chat of mine (the server does so at connect; chats accepted since need asking)
      for (const c of myChats) socket.subscribe(c.id);
      setMine(myChats);
      setListsLoaded(true);
    } catch (err) {
      toast(`Could not refresh the lists: ${errorText(err)}`, 'error');
    }
  }, [toast, socket]);

  const reloadCanned = useCallback(async () => {
    try {
      setCanned((await api.cannedResponses()).cannedResponses);
    } catch {
      // canned responses are a convenience; the composer works without them
    }
  }, []);

  // socket lifecycle, list refresh on queue changes (debounced: a burst of handovers is one refetch)
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(pending);
      pending = setTimeout(() => void refreshLists(), 200);
    };
    const offEvent = socket.on((e: ServerEvent) => {
      if (e.type === 'queue.updated') soon();
      else if (e.type === 'message.created') {
        const m = e.message;
        setMine((list) => (list.some((c) => c.id === m.conversationId) ? sortByActivity(list.map((c) => (c.id === m.conversationId ? { ...c, lastMessage: m, lastSeq: Math.max(c.lastSeq, m.seq) } : c))) : list));
        if (m.author.type === 'user' && m.conversationId !== openId.current) {
          setUnread((u) => ({ ...u, [m.conversationId]: (u[m.conversationId] ?? 0) + 1 }));
          showNotification('New message', m.text ?? 'The user sent a message', () => navigate('mine', m.conversationId));
        }
      } else if (e.type === 'conversation.updated') {
        // a chat that left "agent" (closed, handed back, transferred) must leave my list
        if (e.conversation.status !== 'agent' || e.conversation.assignee?.id !== meRef.current.id) soon();
      }
    });
    const offState = socket.onState((s, reconnected) => {
      setSocketState(s);
      if (s === 'open' && reconnected) void refreshLists();
    });
    socket.start();
    void refreshLists();
    void reloadCanned();
    // a slow safety net in case an event was lost while the socket was down
    const poll = setInterval(() => void refreshLists(), 30_000);
    return () => {
      offEvent();
      offState();
      clearTimeout(pending);
      clearInterval(poll);
      socket.stop();
    };
  }, [socket, refreshLists, reloadCanned]);

  useEffect(() => {
    document.title = titleWithBadge(queue.length);
  }, [queue.length]);

  const isMyChat = useCallback((id: string) => mineRef.current.some((c) => c.id === id), []);

  const setOpenId = useCallback((id: string | undefined) => {
    openId.current = id;
    if (id) setUnread((u) => (u[id] ? { ...u, [id]: 0 } : u));
  }, []);

  const setStatus = useCallback(
    async (status: AgentStatus) => {
      const prev = meRef.current;
      setMe({ ...prev, status });
      try {
        const r = await api.setStatus(status);
        setMe(r.agent);
        void refreshLists();
      } catch (err) {
        setMe(prev);
        toast(`Could not change your status: ${errorText(err)}`, 'error');
      }
    },
    [refreshLists, toast],
  );

  const logout = useCallback(async () => {
    try {
      await api.setStatus('offline');
    } catch {
      // going offline is best effort; the session ends either way
    }
    await api.logout().catch(() => undefined);
    socket.stop();
    props.onLoggedOut();
  }, [socket, props]);

  const value: DeskValue = {
    me,
    setStatus,
    logout,
    socket,
    socketState,
    queue,
    mine,
    listsLoaded,
    refreshLists,
    canned,
    reloadCanned,
    unread,
    isMyChat,
    setOpenId,
    toast,
    toasts,
    dismissToast,
    isSupervisor: me.role === 'supervisor' || me.role === 'admin',
    isAdmin: me.role === 'admin',
  };
  return <Ctx.Provider value={value}>{props.children}</Ctx.Provider>;
}
