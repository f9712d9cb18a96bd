// The full transcript: user, bot and agent turns, internal notes and system events, each visibly
// different. Every text is a React text node: user input is never interpreted as HTML.
import { useEffect, useLayoutEffect, useRef } from 'react';
import type { Message } from '../api';
import { clockTime, humanEvent, shortDate } from '../format';
import { deliveryLabel, type DeliveryMark } from '../channel-statuses';
import { Avatar } from './ui';
import { MessageFiles } from './attachments';

function dayKey(iso: string) {
  return new Date(iso).toDateString();
}

export function Transcript(props: { messages: Message[]; typing?: string | null; userName?: string; delivery?: Record<string, DeliveryMark> }) {
  const ref = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const onScroll = () => {
    const el = ref.current;
    if (el) stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  };
  useLayoutEffect(() => {
    const el = ref.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [props.messages, props.typing]);
  useEffect(() => {
    stick.current = true;
  }, []);

  let lastDay = '';
  let lastAuthor = '';
  // focusable (and named) so a keyboard user can scroll back through a long chat with the arrow keys
  return (
    <div className="transcript" ref={ref} onScroll={onScroll} data-testid="transcript" aria-live="polite" tabIndex={0} role="region" aria-label="Transcript">
      {props.messages.map((m) => {
        const day = dayKey(m.createdAt);
        const divider =
          day !== lastDay ? (
            <div className="day-divider" key={`d-${m.id}`}>
              <span>{shortDate(m.createdAt)}</span>
            </div>
          ) : null;
        lastDay = day;
        const kind = m.event || m.author.type === 'system' ? 'system' : m.internal ? 'note' : m.author.type;
        const authorKey = `${kind}:${m.author.id ?? m.author.name ?? ''}`;
        const first = authorKey !== lastAuthor || Boolean(divider);
        lastAuthor = authorKey;
        return [divider, <MessageItem key={m.id} m={m} kind={kind} first={first} userName={props.userName} delivery={props.delivery?.[m.id]} />];
      })}
      {props.typing ? (
        <div className="typing-row" data-testid="user-typing">
          <span className="typing-dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          {props.typing} is typing…
        </div>
      ) : null}
    </div>
  );
}

function MessageItem(props: { m: Message; kind: string; first: boolean; userName?: string; delivery?: DeliveryMark }) {
  const { m, kind } = props;
  if (kind === 'system') {
    return (
      <div className="msg-system" data-testid="transcript-message" data-author="system" data-event={m.event}>
        <span className="msg-system-pill">
          <span className="msg-system-name">{m.event ? humanEvent(m.event) : 'event'}</span>
          {m.text ? <span className="msg-system-text"> · {m.text}</span> : null}
          <time dateTime={m.createdAt}> · {clockTime(m.createdAt)}</time>
        </span>
      </div>
    );
  }
  const side = kind === 'agent' || kind === 'note' ? 'right' : 'left';
  const name = kind === 'user' ? (m.author.name ?? props.userName ?? 'User') : kind === 'bot' ? (m.author.name ?? 'Bot') : kind === 'note' ? `Internal note · ${m.author.name ?? 'Agent'}` : (m.author.name ?? 'Agent');
  return (
    <div className={`msg msg-${kind} msg-${side}${props.first ? ' first' : ''}`} data-testid="transcript-message" data-author={m.author.type} data-internal={m.internal ? 'true' : undefined}>
      {side === 'left' ? <div className="msg-avatar">{props.first ? <Avatar name={name} kind={kind === 'bot' ? 'bot' : 'user'} size="sm" /> : null}</div> : null}
      <div className="msg-body">
        {props.first ? (
          <div className="msg-meta">
            <span className="msg-author">{name}</span>
            {kind === 'bot' ? <span className="badge badge-bot">bot</span> : null}
            <time dateTime={m.createdAt}>{clockTime(m.createdAt)}</time>
          </div>
        ) : null}
        {m.text ? (
          <div className="bubble" data-testid="message-text" title={props.first ? undefined : clockTime(m.createdAt)}>
            {m.text}
          </div>
        ) : null}
        {m.postback && !m.text ? <div className="bubble postback">↳ {m.postback}</div> : null}
        {m.attachments?.length ? <MessageFiles attachments={m.attachments} /> : null}
        {m.buttons?.length ? (
          <div className="msg-buttons">
            {m.buttons.map((b, i) => (
              <span key={i} className="msg-button" title={`payload: ${b.payload}`}>
                {b.title}
              </span>
            ))}
          </div>
        ) : null}
        {m.cards?.length ? (
          <div className="msg-cards">
            {m.cards.map((c, i) => (
              <div key={i} className="msg-card">
                {c.imageUrl ? <img src={c.imageUrl} alt="" loading="lazy" referrerPolicy="no-referrer" /> : null}
                <div className="msg-card-body">
                  <strong>{c.title}</strong>
                  {c.subtitle ? <p>{c.subtitle}</p> : null}
                  {c.buttons?.length ? (
                    <div className="msg-buttons">
                      {c.buttons.map((b, j) => (
                        <span key={j} className="msg-button">
                          {b.title}
                        </span>
                      ))}
                    </div>
                  ) : null}
                </div>
              </div>
            ))}
          </div>
        ) : null}
        {props.delivery ? (
          <div className={`msg-delivery${props.delivery.status === 'failed' ? ' field-error' : ' muted'} small`} data-testid="message-delivery" data-status={props.delivery.status}>
            {deliveryLabel(props.delivery)}
          </div>
        ) : null}
      </div>
    </div>
  );
}
