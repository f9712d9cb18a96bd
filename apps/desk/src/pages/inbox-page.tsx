// The three-pane inbox: the list (queue, my chats, history), the open conversation and its details.
// j/k move through the list; on a phone only one pane shows at a time. Every list is paged: scrolling
// near its end loads the next page.
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { api, errorText, type AgentConversation, type ConversationQuery } from '../api';
import { useAccept } from '../accept';
import { ConversationList } from '../components/conversation-list';
import { ConversationView } from '../components/conversation-view';
import { Empty, Spinner } from '../components/ui';
import { stepSelection } from '../conversation-state';
import { PAGE, useDesk } from '../desk-context';
import { useNow } from '../hooks';
import { href, navigate } from '../router';

export type InboxTab = 'queue' | 'mine' | 'closed';

export function InboxPage(props: { tab: InboxTab; openId?: string }) {
  const desk = useDesk();
  const now = useNow(1000);
  const { accept, busy } = useAccept();
  const closed = useClosedSearch(props.tab === 'closed');
  const items = props.tab === 'queue' ? desk.queue : props.tab === 'mine' ? desk.mine : (closed.items ?? []);
  const ids = useMemo(() => items.map((c) => c.id), [items]);
  const [scroller, setScroller] = useState<HTMLDivElement | null>(null);
  const paging =
    props.tab === 'queue'
      ? { hasMore: desk.queueMore, loadingMore: desk.loadingMore, onLoadMore: desk.loadMoreQueue }
      : props.tab === 'mine'
        ? { hasMore: desk.mineMore, loadingMore: desk.loadingMore, onLoadMore: desk.loadMoreMine }
        : { hasMore: closed.nextCursor !== null, loadingMore: closed.loadingMore, onLoadMore: closed.loadMore };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (t && t.closest('input, textarea, select, [contenteditable="true"], [role="dialog"]')) return;
      if (e.key !== 'j' && e.key !== 'k') return;
      const next = stepSelection(ids, props.openId, e.key === 'j' ? 1 : -1);
      if (next) {
        e.preventDefault();
        // the list scrolls the open row into view (it may not be rendered yet)
        navigate(props.tab, next);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [ids, props.openId, props.tab]);

  const tabs: { id: InboxTab; label: string; count?: string }[] = [
    { id: 'queue', label: 'Queue', count: `${desk.queue.length}${desk.queueMore ? '+' : ''}` },
    { id: 'mine', label: 'My chats', count: `${desk.mine.length}${desk.mineMore ? '+' : ''}` },
    { id: 'closed', label: 'History' },
  ];

  return (
    <div className={props.openId ? 'inbox has-open' : 'inbox'}>
      <section className="list-pane" aria-label="Conversations">
        <div className="list-head">
          <div className="tabs" role="tablist">
            {tabs.map((t) => (
              <a key={t.id} role="tab" aria-selected={props.tab === t.id} className={props.tab === t.id ? 'tab on' : 'tab'} href={href(t.id)} data-testid={`tab-${t.id}`}>
                {t.label}
                {t.count !== undefined ? <span className="tab-count">{t.count}</span> : null}
              </a>
            ))}
          </div>
          {props.tab === 'queue' && desk.me.status !== 'online' ? (
            <p className="list-hint" data-testid="offline-hint">
              You are <strong>{desk.me.status}</strong>: new chats are not routed to you.{' '}
              <button type="button" className="link" onClick={() => void desk.setStatus('online')}>
                Go online
              </button>
            </p>
          ) : null}
          {props.tab === 'closed' ? <ClosedFilters onSearch={closed.search} busy={closed.loading} /> : null}
        </div>
        <div className="list-scroll" ref={setScroller} tabIndex={0} role="region" aria-label="Conversations">
          {!desk.listsLoaded && props.tab !== 'closed' ? (
            <div className="center-pad">
              <Spinner />
            </div>
          ) : props.tab === 'closed' && closed.error ? (
            <p className="error-note">{closed.error}</p>
          ) : items.length === 0 ? (
            props.tab === 'queue' ? (
              <Empty icon="inbox" title="No one is waiting">
                New handovers from the bot appear here.
              </Empty>
            ) : props.tab === 'mine' ? (
              <Empty icon="chat" title="No live chats">
                Accept a chat from the queue to start.
              </Empty>
            ) : closed.loading ? (
              <div className="center-pad">
                <Spinner />
              </div>
            ) : (
              <Empty icon="archive" title="Nothing found" />
            )
          ) : (
            <ConversationList
              kind={props.tab}
              items={items}
              openId={props.openId}
              now={now}
              unread={desk.unread}
              onAccept={(id) => void accept(id)}
              acceptBusy={busy}
              routeBase={[props.tab]}
              paging={{ scroller, ...paging }}
            />
          )}
        </div>
        <p className="list-foot hide-sm">
          <kbd>j</kbd>/<kbd>k</kbd> move · <kbd>Ctrl</kbd>+<kbd>Enter</kbd> accept · <kbd>?</kbd> help
        </p>
      </section>
      {props.openId ? (
        <ConversationView key={props.openId} id={props.openId} backHref={href(props.tab)} />
      ) : (
        <section className="conversation placeholder">
          <Empty icon="chat" title={props.tab === 'queue' ? 'Pick a waiting chat' : 'Pick a conversation'}>
            <span className="muted">The transcript, the bot’s handover details and the composer open here.</span>
          </Empty>
        </section>
      )}
    </div>
  );
}

/** History: the first page for the filters searched, then the next ones as the list scrolls. */
function useClosedSearch(active: boolean) {
  const [items, setItems] = useState<AgentConversation[]>();
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<string>();
  const desk = useDesk();
  const filters = useRef<Omit<ConversationQuery, 'status'>>({});
  // a page that answers after a newer search is dropped
  const generation = useRef(0);
  const query = (q: Omit<ConversationQuery, 'status'>, cursor?: string) =>
    api.conversations({ status: 'closed', scope: desk.isSupervisor ? 'all' : undefined, limit: PAGE, ...q, cursor });
  const search = async (q: Omit<ConversationQuery, 'status'>) => {
    const mine = ++generation.current;
    filters.current = q;
    setLoading(true);
    setError(undefined);
    setItems([]);
    setNextCursor(null);
    try {
      const page = await query(q);
      if (mine !== generation.current) return;
      setItems(page.conversations);
      setNextCursor(page.nextCursor);
    } catch (err) {
      if (mine === generation.current) setError(errorText(err));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  };
  const loadMore = useCallback(async () => {
    if (!nextCursor || loadingMore) return;
    const mine = generation.current;
    setLoadingMore(true);
    try {
      const page = await query(filters.current, nextCursor);
      if (mine !== generation.current) return;
      setItems((list) => [...(list ?? []), ...page.conversations]);
      setNextCursor(page.nextCursor);
    } catch (err) {
      if (mine === generation.current) setError(errorText(err));
    } finally {
      setLoadingMore(false);
    }
  }, [nextCursor, loadingMore]);
  useEffect(() => {
    if (active && items === undefined) void search({});
    // only the first activation loads; later searches come from the form
  }, [active]);
  return { items, loading, error, search, nextCursor, loadingMore, loadMore };
}

function ClosedFilters(props: { onSearch: (q: Omit<ConversationQuery, 'status'>) => void; busy: boolean }) {
  const [q, setQ] = useState('');
  const [more, setMore] = useState(false);
  const [skill, setSkill] = useState('');
  const [tag, setTag] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [short, setShort] = useState(false);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    // the search index matches 3 characters or more (the server answers SEARCH_TOO_SHORT)
    const length = [...q.trim()].length;
    setShort(length > 0 && length < 3);
    if (length > 0 && length < 3) return;
    props.onSearch({ q: q.trim() || undefined, skill: skill.trim() || undefined, tag: tag.trim() || undefined, from: from || undefined, to: to || undefined });
  };
  return (
    <form className="filters" onSubmit={submit} role="search" data-testid="history-search">
      <div className="search-row">
        <input type="search" placeholder="Messages, name, e-mail, details…" value={q} onChange={(e) => setQ(e.target.value)} aria-label="Search text" />
        <button type="button" className={more ? 'icon-btn on' : 'icon-btn'} onClick={() => setMore((v) => !v)} aria-label="More filters" aria-expanded={more}>
          <FilterIcon />
        </button>
        <button type="submit" className="btn small" disabled={props.busy}>
          Search
        </button>
      </div>
      {short ? (
        <p className="list-hint" data-testid="search-too-short">
          Search for at least 3 characters.
        </p>
      ) : null}
      {more ? (
        <div className="filter-grid">
          <input placeholder="Skill" value={skill} onChange={(e) => setSkill(e.target.value)} aria-label="Skill" />
          <input placeholder="Tag" value={tag} onChange={(e) => setTag(e.target.value)} aria-label="Tag" />
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} aria-label="From" />
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} aria-label="To" />
        </div>
      ) : null}
    </form>
  );
}

function FilterIcon() {
  return (
    <svg width="18" height="18" viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" aria-hidden="true">
      <path d="M3.5 5h13M6 10h8M8.5 15h3" />
    </svg>
  );
}
