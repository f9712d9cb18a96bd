// Files in the widget: the paperclip, drag-and-drop and paste put files in a tray that uploads them
// at once (progress and refusals shown as text); the next send carries them. In the timeline an image
// shows as a thumbnail and any other file as a download chip. A file's URL needs the conversation's
// token, which never goes in a URL: each file is fetched with the token in a header and shown through
// a blob: URL of its own.
import { useEffect, useRef, useState } from 'preact/hooks';
import type { Attachment } from '@baton/proto';
import { ATTACHMENT_ACCEPT, MAX_ATTACHMENTS_PER_MESSAGE } from '@baton/proto/constants';
import type { BatonClient } from './client';
import type { Strings } from './i18n';

const INLINE = /^image\/(png|jpeg|gif|webp)$/;

export interface Upload {
  key: string;
  name: string;
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  error?: string;
  attachment?: Attachment;
}

function sizeText(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${Math.round(n / 1024)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A blob: URL of the file, fetched with the token; revoked when the component goes. */
function useFileUrl(client: BatonClient, url: string | undefined): { src?: string; failed: boolean } {
  const [state, setState] = useState<{ src?: string; failed: boolean }>({ failed: false });
  useEffect(() => {
    if (!url) return;
    let src: string | undefined;
    let live = true;
    client
      .fetchFile(url)
      .then((blob) => {
        src = URL.createObjectURL(blob);
        if (live) setState({ src, failed: false });
        else URL.revokeObjectURL(src);
      })
      .catch(() => live && setState({ failed: true }));
    return () => {
      live = false;
      if (src) URL.revokeObjectURL(src);
    };
  }, [client, url]);
  return state;
}

function Thumbnail({ a, client, t }: { a: Attachment; client: BatonClient; t: Strings }) {
  const { src, failed } = useFileUrl(client, a.url);
  if (failed) return <span class="file-chip failed">{`${a.name} — ${t.fileUnavailable}`}</span>;
  return (
    <a class="thumb" href={src} target="_blank" rel="noopener noreferrer" download={a.name} aria-label={`${t.openImage}: ${a.name}`} data-testid="widget-thumbnail">
      {src ? <img src={src} alt={a.name} /> : <span class="file-chip">{a.name}</span>}
    </a>
  );
}

function Chip({ a, client, t }: { a: Attachment; client: BatonClient; t: Strings }) {
  const [error, setError] = useState(false);
  // fetched when asked for: a transcript full of PDFs does not download them all
  const save = async () => {
    try {
      const href = URL.createObjectURL(await client.fetchFile(a.url));
      const link = document.createElement('a');
      link.href = href;
      link.download = a.name;
      link.rel = 'noopener';
      link.click();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
      setError(false);
    } catch {
      setError(true);
    }
  };
  return (
    <button type="button" class={`file-chip ${error ? 'failed' : ''}`} onClick={() => void save()} data-testid="widget-file" aria-label={`${t.download}: ${a.name}`}>
      <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><path d="M14 3H6a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8z" /><path d="M14 3v5h5" /></svg> {a.name} <span class="size">{sizeText(a.size)}</span>
      {error ? ` — ${t.fileUnavailable}` : ''}
    </button>
  );
}

/** A message's files: images as thumbnails, the rest as download chips. */
export function AttachmentList({ attachments, client, t }: { attachments: Attachment[]; client: BatonClient; t: Strings }) {
  return (
    <div class="files">
      {attachments.map((a) => (INLINE.test(a.contentType) ? <Thumbnail key={a.id} a={a} client={client} t={t} /> : <Chip key={a.id} a={a} client={client} t={t} />))}
    </div>
  );
}

/** The error text for a refused upload, from the stable code. */
function uploadError(t: Strings, status: number, code: string | undefined): string {
  if (code === 'ATTACHMENT_TOO_LARGE' || status === 413) return t.fileTooLarge;
  if (code === 'ATTACHMENT_TYPE_REFUSED' || status === 415) return t.fileType;
  if (code === 'ATTACHMENT_QUOTA_EXCEEDED') return t.fileQuota;
  if (status === 429) return t.tooFast;
  return t.uploadFailed;
}

/** The composer's files: add (picker, drop, paste), upload at once, remove; `ready` are those uploaded. */
export function useUploads(client: BatonClient, t: Strings) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  const patch = (key: string, p: Partial<Upload>) => setUploads((list) => list.map((u) => (u.key === key ? { ...u, ...p } : u)));
  const add = (files: Iterable<File>) => {
    for (const file of files) {
      const key = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
      setUploads((list) => (list.length >= MAX_ATTACHMENTS_PER_MESSAGE ? list : [...list, { key, name: file.name || 'file', progress: 0, state: 'uploading' }]));
      void client
        .upload(file, (progress) => patch(key, { progress }))
        .then((r) =>
          r.status === 201
            ? patch(key, { state: 'done', progress: 1, attachment: r.body.attachment as Attachment })
            : patch(key, { state: 'failed', error: uploadError(t, r.status, r.body?.error?.code) }),
        )
        .catch(() => patch(key, { state: 'failed', error: t.uploadFailed }));
    }
  };
  const remove = (key: string) => setUploads((list) => list.filter((u) => u.key !== key));
  const ready = uploads.flatMap((u) => (u.attachment ? [u.attachment] : []));
  const busy = uploads.some((u) => u.state === 'uploading');
  /** the panel's handlers: files dropped on it or pasted into it join the tray */
  const handlers = {
    onDragOver: (e: DragEvent) => {
      if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
    },
    onDrop: (e: DragEvent) => {
      if (!e.dataTransfer?.files.length) return;
      e.preventDefault();
      add(Array.from(e.dataTransfer.files));
    },
    onPaste: (e: ClipboardEvent) => {
      const files = Array.from(e.clipboardData?.files ?? []);
      if (!files.length) return;
      e.preventDefault();
      add(files);
    },
  };
  return { uploads, add, remove, ready, busy, clear: () => setUploads([]), handlers };
}

/** The paperclip: a real button (keyboard and screen readers) that opens a hidden file input. */
export function AttachButton({ onFiles, t }: { onFiles: (files: File[]) => void; t: Strings }) {
  const picker = useRef<HTMLInputElement>(null);
  return (
    <>
      <input
        ref={picker}
        type="file"
        multiple
        accept={ATTACHMENT_ACCEPT}
        class="sr"
        tabIndex={-1}
        aria-hidden="true"
        data-testid="widget-file-input"
        onChange={(e) => {
          const input = e.target as HTMLInputElement;
          if (input.files?.length) onFiles(Array.from(input.files));
          input.value = '';
        }}
      />
      <button type="button" class="attach" aria-label={t.attach} title={t.attach} data-testid="widget-attach" onClick={() => picker.current?.click()}>
        <svg width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
          <path d="M21 12.5 12.5 21a5.5 5.5 0 0 1-7.8-7.8l9-9a3.7 3.7 0 0 1 5.2 5.2l-9 9a1.8 1.8 0 0 1-2.6-2.6l8.3-8.3" />
        </svg>
      </button>
    </>
  );
}

/** The files waiting to go with the next message: name, progress or refusal as text, and a remove button. */
export function UploadTray({ uploads, onRemove, t }: { uploads: Upload[]; onRemove: (key: string) => void; t: Strings }) {
  if (!uploads.length) return null;
  return (
    <ul class="tray" aria-live="polite" data-testid="widget-tray">
      {uploads.map((u) => (
        <li key={u.key} class={u.state} data-testid="widget-upload" data-state={u.state}>
          <span class="name">{u.name}</span>
          <span class="state">{u.state === 'uploading' ? t.uploading(Math.round(u.progress * 100)) : u.state === 'failed' ? u.error : t.attached}</span>
          <button type="button" aria-label={`${t.remove}: ${u.name}`} onClick={() => onRemove(u.key)}>✕</button>
        </li>
      ))}
    </ul>
  );
}
