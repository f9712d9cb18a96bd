// Everything the signed-in desk shares across pages: who I am, the socket, the queue and my chats
// (paged, kept fresh from queue.updated events), canned responses, unread counts and toasts.
//
// A refresh (queue.updated, debounced; a reconnect; the slow poll) asks again for what is loaded, in
// one request from the top: one page for a desk that never scrolled, the rows it scrolled through for
// one that did (at most MAX_WINDOW), never page after page. Re-reading the loaded window rather than
// merging a fresh first page into older pages keeps the cursor right: a merged tail could hold chats
// others took meanwhile, and its cursor would not know the arrivals after it.
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
  /** more of the queue (or of my chats) than is loaded */
  queueMore: boolean;
  mineMore: boolean;
  loadingMore: boolean;
  loadMoreQueue: () => void;
  loadMoreMine: () => void;
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

/** rows per page of the inbox lists */
export const PAGE = 50;
/** the most a refresh asks for at once (the server's largest page) */
const MAX_WINDOW = 500;

/** one list's loaded rows and where its next page starts */
interface Loaded {
  items: AgentConversation[];
  cursor: string | null;
}

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
  const [queueCursor, setQueueCursor] = useState<string | null>(null);
  const [mineCursor, setMineCursor] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const loadedMine = useRef(0);

  const toast = useCallback((text: string, kind: Toast['kind'] = 'info') => {
    const id = Date.now() + Math.random();
    setToasts((t) => [...t.slice(-3), { id, text, kind }]);
    setTimeout(() => setToasts((t) => t.filter((x) => x.id !== id)), kind === 'error' ? 7000 : 4000);
  }, []);
  const dismissToast = useCallback((id: number) => setToasts((t) => t.filter((x) => x.id !== id)), []);

  /**
   * the queue's and my chats' loaded rows, as they are now (`queue` and `mine` state, with their
   * cursors); a refresh announces the arrivals, a further page does not
   */
  const showLists = useCallback(
    (q: Loaded, m: Loaded, announce: boolean) => {
      const sortedQueue = sortQueue(q.items);
      const previous = queueRef.current;
      queueRef.current = sortedQueue;
      // the first load is not news; later arrivals are, unless I am offline
      if (previous && announce) {
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
      setQueueCursor(q.cursor);
      // my chats: only those I own (a supervisor's "agent" list may include others' with scope=all)
      const myChats = sortByActivity(m.items.filter((c) => c.assignee?.id === meRef.current.id));
      mineRef.current = myChats;
      loadedMine.current = m.items.length;
      // follow every chat of mine (the server does so at connect; chats accepted since need asking)
      for (const c of myChats) socket.subscribe(c.id);
      setMine(myChats);
      setMineCursor(m.cursor);
      setListsLoaded(true);
    },
    [socket],
  );

  const refreshLists = useCallback(async () => {
    const window = (loaded: number) => Math.min(MAX_WINDOW, Math.max(PAGE, loaded));
    try {
      const [q, m] = await Promise.all([
        api.conversations({ status: 'offloaded', limit: window(queueRef.current?.length ?? 0) }),
        api.conversations({ status: 'agent', limit: window(loadedMine.current) }),
      ]);
      showLists({ items: q.conversations, cursor: q.nextCursor }, { items: m.conversations, cursor: m.nextCursor }, true);
    } catch (err) {
      toast(`Could not refresh the lists: ${errorText(err)}`, 'error');
    }
  }, [toast, showLists]);

  /** the next page of the queue or of my chats, after what is loaded */
  const loadMore = useCallback(
    async (status: 'offloaded' | 'agent') => {
      const cursor = status === 'offloaded' ? queueCursor : mineCursor;
      if (!cursor || loadingMore) return;
      setLoadingMore(true);
      try {
        const page = await api.conversations({ status, limit: PAGE, cursor });
        const append = (list: AgentConversation[]) => [...list, ...page.conversations.filter((c) => !list.some((x) => x.id === c.id))];
        if (status === 'offloaded') showLists({ items: append(queueRef.current ?? []), cursor: page.nextCursor }, { items: mineRef.current, cursor: mineCursor }, false);
        else showLists({ items: queueRef.current ?? [], cursor: queueCursor }, { items: append(mineRef.current), cursor: page.nextCursor }, false);
      } catch (err) {
        toast(`Could not load more: ${errorText(err)}`, 'error');
      } finally {
        setLoadingMore(false);
      }
    },
    [queueCursor, mineCursor, loadingMore, showLists, toast],
  );
  const loadMoreQueue = useCallback(() => void loadMore('offloaded'), [loadMore]);
  const loadMoreMine = useCallback(() => void loadMore('agent'), [loadMore]);

  const reloadCanned = useCallback(async () => {
    try {
      // all of them, page after page: the composer completes "/shortcut" from the whole set
      const all: CannedResponse[] = [];
      let cursor: string | undefined;
      do {
        const page = await api.cannedResponses(cursor);
        all.push(...page.cannedResponses);
        cursor = page.nextCursor ?? undefined;
      } while (cursor && all.length < 5000);
      setCanned(all);
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
        // a message sent again with a file attached (e.updated) is not news: no unread count, no notification
        if (e.updated) return;
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
    queueMore: queueCursor !== null,
    mineMore: mineCursor !== null,
    loadingMore,
    loadMoreQueue,
    loadMoreMine,
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
