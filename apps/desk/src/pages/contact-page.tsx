// One verified user: who they are, their conversations across channels (a page at a time, the latest
// first) and agents' notes on them. Reached from a conversation's user card. A plain agent sees the
// contacts and conversations they handled; the server decides.
import { useState } from 'react';
import { api, errorText, type AgentConversation, type ContactNote } from '../api';
import { HistoryItem } from '../components/details-pane';
import { Icon } from '../components/icons';
import { Empty, ErrorNote, PageHeader, Spinner } from '../components/ui';
import { useDesk } from '../desk-context';
import { relativeTime, shortDate } from '../format';
import { useLoad, useNow } from '../hooks';

export function ContactPage(props: { userId: string }) {
  const { userId } = props;
  const contact = useLoad(() => api.contact(userId), [userId]);
  if (contact.error) {
    return (
      <div className="page contact-page" data-testid="contact-page">
        <Empty icon="info" title={contact.error} />
      </div>
    );
  }
  const c = contact.data?.contact;
  return (
    <div className="page contact-page" data-testid="contact-page">
      <PageHeader title={c ? (c.name ?? c.email ?? userId) : 'Contact'} subtitle={c ? [c.email, `user id ${userId}`, `first seen ${shortDate(c.firstSeenAt)}`].filter(Boolean).join(' · ') : undefined} />
      {!c ? <Spinner /> : null}
      {c ? (
        <div className="contact-grid">
          <ContactConversations userId={userId} />
          <ContactNotes userId={userId} />
        </div>
      ) : null}
    </div>
  );
}

function ContactConversations(props: { userId: string }) {
  const [more, setMore] = useState<{ items: AgentConversation[]; cursor: string | null }>();
  const [error, setError] = useState<string>();
  const first = useLoad(() => api.contactConversations(props.userId), [props.userId]);
  const items = [...(first.data?.conversations ?? []), ...(more?.items ?? [])];
  const cursor = more ? more.cursor : (first.data?.nextCursor ?? null);
  const loadMore = async () => {
    if (!cursor) return;
    try {
      const r = await api.contactConversations(props.userId, cursor);
      setMore({ items: [...(more?.items ?? []), ...r.conversations], cursor: r.nextCursor });
    } catch (err) {
      setError(errorText(err));
    }
  };
  return (
    <section className="card-section" aria-label="Conversations" data-testid="contact-conversations">
      <h2>Conversations</h2>
      <ErrorNote text={first.error ?? error} />
      {first.data && items.length === 0 ? <p className="muted small">None that you may see.</p> : null}
      <ul className="history">
        {items.map((h) => (
          <HistoryItem key={h.id} h={h} testId="contact-conversation" />
        ))}
      </ul>
      {cursor ? (
        <button type="button" className="btn ghost" onClick={() => void loadMore()} data-testid="contact-more">
          Show older
        </button>
      ) : null}
    </section>
  );
}

function ContactNotes(props: { userId: string }) {
  const desk = useDesk();
  const now = useNow(30_000);
  const notes = useLoad(() => api.contactNotes(props.userId), [props.userId]);
  const [draft, setDraft] = useState('');
  const [error, setError] = useState<string>();
  const add = async () => {
    const text = draft.trim();
    if (!text) return;
    try {
      await api.addContactNote(props.userId, text);
      setDraft('');
      setError(undefined);
      await notes.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const remove = async (n: ContactNote) => {
    try {
      await api.deleteContactNote(props.userId, n.id);
      await notes.reload();
    } catch (err) {
      desk.toast(`Could not delete the note: ${errorText(err)}`, 'error');
    }
  };
  return (
    <section className="card-section" aria-label="Notes" data-testid="contact-notes">
      <h2>Notes</h2>
      <p className="muted small">Seen by agents only. Erasing the contact deletes them; their export includes them.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void add();
        }}
      >
        <div className="field">
          <textarea rows={3} maxLength={4000} value={draft} onChange={(e) => setDraft(e.target.value)} aria-label="New note" placeholder="A note on this contact…" data-testid="contact-note-input" />
        </div>
        <ErrorNote text={error ?? notes.error} />
        <button type="submit" className="btn primary" disabled={!draft.trim()} data-testid="contact-note-add">
          Add note
        </button>
      </form>
      <ul className="contact-notes">
        {(notes.data?.notes ?? []).map((n) => (
          <li key={n.id} data-testid="contact-note">
            <p className="note-text">{n.text}</p>
            <span className="muted small">
              {n.author.name} · {relativeTime(n.createdAt, now)}
            </span>
            {n.author.id === desk.me.id || desk.isSupervisor ? (
              <button type="button" className="icon-btn" aria-label="Delete note" onClick={() => void remove(n)} data-testid="contact-note-delete">
                <Icon name="trash" size={16} />
              </button>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
