// One conversation: header with actions, the transcript, the composer, and the details pane. Keeps
// itself live through the socket (subscribe, messages, updates, typing) and refetches after a reconnect.
import type { ServerEvent } from '@baton/proto';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, errorText, type AgentConversation, type Message } from '../api';
import { useAccept } from '../accept';
import { applyUpdate, isMine, mergeMessages, userLabel } from '../conversation-state';
import { useDesk } from '../desk-context';
import { useNow } from '../hooks';
import { useChannelStatuses } from '../channel-statuses';
import { Composer } from './composer';
import type { Episode } from '@baton/proto';
import { HandoverCard, HistoryCard, UserCard } from './details-pane';
import { EpisodesCard } from './episodes-card';
import { HandbackDialog } from './handback-dialog';
import { Icon } from './icons';
import { TransferDialog } from './transfer-dialog';
import { WrapUpCard } from './wrap-up-card';
import { Transcript } from './transcript';
import { Empty, Spinner } from './ui';

const STATUS_LABEL: Record<string, string> = { bot: 'With the bot', offloaded: 'Waiting in queue', agent: 'Live with agent', closed: 'Closed' };

export function ConversationView(props: { id: string; backHref: string }) {
  const desk = useDesk();
  const { accept, busy: acceptBusy } = useAccept();
  const now = useNow(1000);
  const [conv, setConv] = useState<AgentConversation>();
  const [messages, setMessages] = useState<Message[]>([]);
  const [episodes, setEpisodes] = useState<Episode[]>();
  const [error, setError] = useState<string>();
  const [history, setHistory] = useState<AgentConversation[]>();
  const [historyError, setHistoryError] = useState<string>();
  const [typing, setTyping] = useState<string | null>(null);
  const [dialog, setDialog] = useState<'transfer' | 'handback' | 'close' | null>(null);
  const [detailsOpen, setDetailsOpen] = useState(false);
  const { id } = props;
  const delivery = useChannelStatuses(id);

  const load = useCallback(async () => {
    try {
      const r = await api.conversation(id);
      setConv(r.conversation);
      setMessages((m) => mergeMessages(m, r.messages));
      setEpisodes(r.episodes);
      setError(undefined);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 404 ? 'This conversation does not exist.' : errorText(err));
    }
  }, [id]);

  useEffect(() => {
    setConv(undefined);
    setMessages([]);
    setEpisodes(undefined);
    setHistory(undefined);
    setTyping(null);
    setDialog(null);
    desk.setOpenId(id);
    desk.socket.subscribe(id);
    void load();
    api
      .history(id)
      .then((r) => setHistory(r.conversations.filter((c) => c.id !== id)))
      .catch((err) => setHistoryError(errorText(err)));
    let typingTimer: ReturnType<typeof setTimeout> | undefined;
    const off = desk.socket.on((e: ServerEvent) => {
      if (e.type === 'message.created' && e.message.conversationId === id) {
        setMessages((m) => mergeMessages(m, [e.message]));
        if (e.message.author.type === 'user') setTyping(null);
        // a message for the user: its channel status follows shortly
        else if (!e.message.internal) setTimeout(() => delivery.refresh(), 1500);
        // a system event means status, owner or handover changed: the full view is cheap to refetch
        if (e.message.event) void load();
      } else if (e.type === 'conversation.updated' && e.conversation.id === id) {
        setConv((c) => (c ? applyUpdate(c, e.conversation) : c));
      } else if (e.type === 'typing' && e.conversationId === id && e.author.type === 'user') {
        clearTimeout(typingTimer);
        setTyping(e.on ? (e.author.name ?? 'The user') : null);
        // a lost "off" must not leave the indicator on forever
        if (e.on) typingTimer = setTimeout(() => setTyping(null), 8000);
      } else if (e.type === 'queue.updated' && e.conversationId === id) {
        void load();
      }
    });
    const offState = desk.socket.onState((s, reconnected) => {
      if (s === 'open' && reconnected) void load();
    });
    return () => {
      off();
      offState();
      clearTimeout(typingTimer);
      desk.setOpenId(undefined);
      // my own chats stay followed (the server subscribes them anyway) for unread counts
      if (!desk.isMyChat(id)) desk.socket.unsubscribe(id);
    };
    // desk's functions are stable; depending on the whole desk object would re-subscribe on every render
  }, [id, load]);

  const mine = conv ? isMine(conv, desk.me.id) : false;
  const canAccept = conv?.status === 'offloaded' || (conv?.status === 'agent' && !mine && desk.isSupervisor);

  // Ctrl+Enter accepts the open chat, from anywhere on the page
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && canAccept && !document.querySelector('[role="dialog"]')) {
        e.preventDefault();
        void accept(id).then((ok) => { if (ok) void load(); });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [accept, canAccept, id, load]);

  const afterAction = () => {
    setDialog(null);
    void load();
    void desk.refreshLists();
  };

  const close = async () => {
    try {
      await api.close(id);
      desk.toast('Conversation closed', 'success');
      afterAction();
    } catch (err) {
      desk.toast(`Could not close: ${errorText(err)}`, 'error');
    }
  };

  if (error) {
    return (
      <section className="conversation">
        <Empty icon="info" title={error}>
          <a className="btn ghost" href={props.backHref}>
            Back to the list
          </a>
        </Empty>
      </section>
    );
  }
  if (!conv) {
    return (
      <section className="conversation loading">
        <Spinner />
      </section>
    );
  }

  const ownerLabel = conv.assignee ? (mine ? 'you' : conv.assignee.name) : null;
  return (
    <div className={detailsOpen ? 'conv-wrap details-open' : 'conv-wrap'}>
      <section className="conversation" aria-label={`Conversation with ${userLabel(conv)}`} data-testid="conversation-view" data-status={conv.status}>
        <header className="conv-head">
          <a className="icon-btn back-btn" href={props.backHref} aria-label="Back to the list">
            <Icon name="back" />
          </a>
          <div className="conv-head-main">
            <h2 data-testid="conversation-title">{userLabel(conv)}</h2>
            <div className="conv-head-sub">
              <span className={`status-pill status-${conv.status}`} data-testid="conversation-status">
                {STATUS_LABEL[conv.status] ?? conv.status}
                {ownerLabel && conv.status === 'agent' ? ` · ${ownerLabel}` : ''}
              </span>
              {conv.skill ? <span className="badge badge-skill">{conv.skill}</span> : null}
              <span className="badge badge-lang">{conv.language.toUpperCase()}</span>
            </div>
          </div>
          <div className="conv-actions">
            {canAccept ? (
              <button type="button" className="btn primary" onClick={() => void accept(id).then((ok) => { if (ok) void load(); })} disabled={acceptBusy === id} data-testid="accept-button" title="Ctrl+Enter">
                <Icon name="check" size={16} /> {conv.status === 'agent' ? 'Take over' : 'Accept'}
              </button>
            ) : null}
            {conv.status === 'agent' && (mine || desk.isSupervisor) ? (
              <>
                <button type="button" className="btn" onClick={() => setDialog('transfer')} data-testid="transfer-button">
                  <Icon name="transfer" size={16} />
                  <span className="hide-sm">{mine ? 'Transfer' : 'Reassign'}</span>
                </button>
                <button type="button" className="btn" onClick={() => setDialog('handback')} data-testid="handback-button">
                  <Icon name="handback" size={16} />
                  <span className="hide-sm">Hand back</span>
                </button>
                <button type="button" className="btn danger-ghost" onClick={() => setDialog('close')} data-testid="close-button">
                  <Icon name="archive" size={16} />
                  <span className="hide-sm">Close</span>
                </button>
              </>
            ) : null}
            {conv.status === 'offloaded' && desk.isSupervisor ? (
              <button type="button" className="btn" onClick={() => setDialog('transfer')} data-testid="transfer-button">
                <Icon name="transfer" size={16} />
                <span className="hide-sm">Route</span>
              </button>
            ) : null}
            <button type="button" className={detailsOpen ? 'icon-btn on details-toggle' : 'icon-btn details-toggle'} onClick={() => setDetailsOpen((v) => !v)} aria-label="Details" aria-pressed={detailsOpen}>
              <Icon name="info" />
            </button>
          </div>
        </header>
        <Transcript messages={messages} typing={typing} userName={userLabel(conv)} delivery={delivery.statuses} />
        {conv.status === 'closed' || conv.status === 'bot' ? (
          <div className="conv-banner">{conv.status === 'closed' ? 'This conversation is closed. A new message from the user reopens it with the bot.' : 'The bot is handling this conversation.'}</div>
        ) : conv.status === 'offloaded' ? (
          <div className="conv-banner waiting">
            The bot keeps answering until someone accepts. <strong>Accept</strong> to take over (<kbd>Ctrl</kbd>+<kbd>Enter</kbd>).
          </div>
        ) : null}
        {conv.status !== 'closed' ? <Composer conversationId={id} canReply={mine} /> : null}
      </section>
      <aside className="details" aria-label="Details" data-testid="details-pane" tabIndex={0}>
        <div className="details-head">
          <h3>Details</h3>
          <button type="button" className="icon-btn" onClick={() => setDetailsOpen(false)} aria-label="Hide details">
            <Icon name="close" />
          </button>
        </div>
        <HandoverCard c={conv} now={now} />
        <EpisodesCard episodes={episodes} />
        <UserCard c={conv} />
        <WrapUpCard c={conv} canTag={desk.isSupervisor || mine || conv.status === 'closed'} onTags={(tags) => setConv((x) => (x ? { ...x, tags } : x))} />
        <HistoryCard items={history} error={historyError} verified={conv.user.verified} />
      </aside>
      {dialog === 'transfer' ? <TransferDialog c={conv} onClose={() => setDialog(null)} onDone={afterAction} /> : null}
      {dialog === 'handback' ? <HandbackDialog c={conv} onClose={() => setDialog(null)} onDone={afterAction} /> : null}
      {dialog === 'close' ? (
        <CloseConfirm
          onClose={() => setDialog(null)}
          onConfirm={() => void close()}
        />
      ) : null}
    </div>
  );
}

function CloseConfirm(props: { onClose: () => void; onConfirm: () => void }) {
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div className="modal" role="dialog" aria-modal="true" aria-label="Close conversation" data-testid="close-dialog" onKeyDown={(e) => e.key === 'Escape' && props.onClose()}>
        <header className="modal-head">
          <h2>Close this conversation?</h2>
        </header>
        <div className="modal-body">
          <p className="muted">The user is told the chat ended. If they write again, the bot picks it up.</p>
        </div>
        <footer className="modal-foot">
          <button type="button" className="btn ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" className="btn danger" onClick={props.onConfirm} autoFocus data-testid="close-confirm">
            Close conversation
          </button>
        </footer>
      </div>
    </div>
  );
}

