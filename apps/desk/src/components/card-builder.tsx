// Building rich replies: quick-reply buttons and cards (title, subtitle, image, buttons), shaped like
// the proto's Button and Card so the server accepts them as they are.
import { useState } from 'react';
import type { Button, Card } from '../api';
import { Icon } from './icons';
import { Modal } from './ui';

export function ButtonRows(props: { value: Button[]; onChange: (b: Button[]) => void; max?: number; testId?: string }) {
  const set = (i: number, patch: Partial<Button>) => props.onChange(props.value.map((b, j) => (j === i ? { ...b, ...patch } : b)));
  return (
    <div className="rows" data-testid={props.testId}>
      {props.value.map((b, i) => (
        <div className="row-inline" key={i}>
          <input aria-label="Button title" placeholder="Title (shown)" value={b.title} maxLength={80} onChange={(e) => set(i, { title: e.target.value })} />
          <input aria-label="Button payload" placeholder="Payload (sent back)" value={b.payload} maxLength={1000} onChange={(e) => set(i, { payload: e.target.value })} />
          <button type="button" className="icon-btn" aria-label="Remove button" onClick={() => props.onChange(props.value.filter((_, j) => j !== i))}>
            <Icon name="trash" size={16} />
          </button>
        </div>
      ))}
      {props.value.length < (props.max ?? 10) ? (
        <button type="button" className="btn ghost small" onClick={() => props.onChange([...props.value, { title: '', payload: '' }])}>
          <Icon name="plus" size={14} /> Add button
        </button>
      ) : null}
    </div>
  );
}

/** Buttons with an empty title get dropped; an empty payload defaults to the title. */
export function cleanButtons(list: Button[]): Button[] {
  return list.filter((b) => b.title.trim()).map((b) => ({ title: b.title.trim(), payload: b.payload.trim() || b.title.trim() }));
}

export function CardBuilder(props: { onAdd: (c: Card) => void; onClose: () => void }) {
  const [title, setTitle] = useState('');
  const [subtitle, setSubtitle] = useState('');
  const [imageUrl, setImageUrl] = useState('');
  const [buttons, setButtons] = useState<Button[]>([]);
  const urlOk = !imageUrl || /^https?:\/\/\S+$/i.test(imageUrl);
  const add = () => {
    const card: Card = { title: title.trim() };
    if (subtitle.trim()) card.subtitle = subtitle.trim();
    if (imageUrl.trim()) card.imageUrl = imageUrl.trim();
    const b = cleanButtons(buttons);
    if (b.length) card.buttons = b;
    props.onAdd(card);
    props.onClose();
  };
  return (
    <Modal
      title="Add a card"
      onClose={props.onClose}
      testId="card-builder"
      footer={
        <>
          <button type="button" className="btn ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" className="btn primary" disabled={!title.trim() || !urlOk} onClick={add} data-testid="card-add">
            Add card
          </button>
        </>
      }
    >
      <div className="card-builder">
        <div className="form-grid">
          <label className="field">
            <span>Title</span>
            <input value={title} maxLength={200} onChange={(e) => setTitle(e.target.value)} data-testid="card-title" />
          </label>
          <label className="field">
            <span>Subtitle</span>
            <input value={subtitle} maxLength={500} onChange={(e) => setSubtitle(e.target.value)} />
          </label>
          <label className="field">
            <span>Image URL</span>
            <input value={imageUrl} placeholder="https://…" onChange={(e) => setImageUrl(e.target.value)} aria-invalid={!urlOk} />
            {!urlOk ? <small className="field-error">Must be an http(s) address</small> : null}
          </label>
          <div className="field">
            <span>Buttons (up to 5)</span>
            <ButtonRows value={buttons} onChange={setButtons} max={5} />
          </div>
        </div>
        <div className="card-preview" aria-label="Preview">
          <div className="msg-card">
            {imageUrl && urlOk ? <img src={imageUrl} alt="" referrerPolicy="no-referrer" /> : <div className="img-placeholder">image</div>}
            <div className="msg-card-body">
              <strong>{title || 'Card title'}</strong>
              {subtitle ? <p>{subtitle}</p> : null}
              <div className="msg-buttons">
                {cleanButtons(buttons).map((b, i) => (
                  <span key={i} className="msg-button">
                    {b.title}
                  </span>
                ))}
              </div>
            </div>
          </div>
        </div>
      </div>
    </Modal>
  );
}
