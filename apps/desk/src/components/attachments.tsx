// Files in the desk: the composer's paperclip, drop and paste upload to the conversation at once
// (progress and refusals as text) and the next reply carries them; the transcript shows images as
// thumbnails and other files as download links, on both sides. The desk's session cookie authorizes
// the download URLs (same origin), so they are used as they are.
import { useEffect, useState, type ClipboardEvent, type DragEvent } from 'react';
import type { Attachment, ErrorBody } from '@baton/proto';
import { ATTACHMENT_ACCEPT, MAX_ATTACHMENTS_PER_MESSAGE } from '@baton/proto/constants';

const INLINE = /^image\/(png|jpeg|gif|webp)$/;

function sizeText(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${Math.round(n / 1024)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** A message's files: thumbnails (opening the full image in a new tab) and download links. */
export function MessageFiles({ attachments }: { attachments: Attachment[] }) {
  return (
    <div className="msg-files">
      {attachments.map((a) =>
        INLINE.test(a.contentType) ? (
          <a key={a.id} className="msg-thumb" href={a.url} target="_blank" rel="noopener noreferrer" title={`${a.name} (${sizeText(a.size)})`} data-testid="transcript-thumbnail">
            <img src={a.url} alt={a.name} loading="lazy" />
          </a>
        ) : (
          <a key={a.id} className="msg-file" href={a.url} download={a.name} data-testid="transcript-file">
            <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true"><path d="M14 3H6a1 1 0 0 0-1 1v16a1 1 0 0 0 1 1h12a1 1 0 0 0 1-1V8z" /><path d="M14 3v5h5" /></svg> {a.name} <span className="muted small">{sizeText(a.size)}</span>
          </a>
        ),
      )}
    </div>
  );
}

interface Upload {
  key: string;
  name: string;
  progress: number;
  state: 'uploading' | 'done' | 'failed';
  error?: string;
  attachment?: Attachment;
}

/**
 * POSTs a file to the conversation as multipart/form-data with the session cookie and the desk's CSRF
 * header; XMLHttpRequest for the upload progress.
 */
function uploadFile(conversationId: string, file: File, onProgress: (f: number) => void): Promise<{ status: number; body?: { attachment?: Attachment } & Partial<ErrorBody> }> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/conversations/${encodeURIComponent(conversationId)}/attachments`);
    xhr.setRequestHeader('X-Requested-With', 'baton-desk');
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      resolve({ status: xhr.status, body });
    };
    xhr.onerror = () => resolve({ status: 0 });
    const form = new FormData();
    form.append('file', file, file.name || 'file');
    xhr.send(form);
  });
}

/** The composer's files for `conversationId`: added by picker, drop or paste, uploaded at once. */
export function useComposerFiles(conversationId: string) {
  const [uploads, setUploads] = useState<Upload[]>([]);
  // files belong to the conversation they were uploaded to: another one starts with an empty tray
  useEffect(() => setUploads([]), [conversationId]);
  const patch = (key: string, p: Partial<Upload>) => setUploads((l) => l.map((u) => (u.key === key ? { ...u, ...p } : u)));
  const add = (files: Iterable<File>) => {
    for (const file of files) {
      const key = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
      setUploads((l) => (l.length >= MAX_ATTACHMENTS_PER_MESSAGE ? l : [...l, { key, name: file.name || 'file', progress: 0, state: 'uploading' }]));
      void uploadFile(conversationId, file, (progress) => patch(key, { progress })).then((r) =>
        r.status === 201 && r.body?.attachment
          ? patch(key, { state: 'done', progress: 1, attachment: r.body.attachment })
          : patch(key, { state: 'failed', error: r.body?.error?.message ?? (r.status ? `Upload refused (${r.status})` : 'Cannot reach the Baton server') }),
      );
    }
  };
  const ready = uploads.flatMap((u) => (u.attachment ? [u.attachment] : []));
  return {
    uploads,
    add,
    ready,
    busy: uploads.some((u) => u.state === 'uploading'),
    remove: (key: string) => setUploads((l) => l.filter((u) => u.key !== key)),
    clear: () => setUploads([]),
    handlers: {
      onDragOver: (e: DragEvent) => {
        if (e.dataTransfer.types.includes('Files')) e.preventDefault();
      },
      onDrop: (e: DragEvent) => {
        if (!e.dataTransfer.files.length) return;
        e.preventDefault();
        add(Array.from(e.dataTransfer.files));
      },
      onPaste: (e: ClipboardEvent) => {
        const files = Array.from(e.clipboardData.files);
        if (!files.length) return;
        e.preventDefault();
        add(files);
      },
    },
  };
}

/** The paperclip: a label for a visually hidden file input, so it is a keyboard-reachable control. */
export function AttachButton({ onFiles }: { onFiles: (files: File[]) => void }) {
  return (
    <label className="icon-btn attach-btn" title="Attach files (or drop / paste them)" data-testid="composer-attach">
      <input
        type="file"
        multiple
        accept={ATTACHMENT_ACCEPT}
        className="sr-only"
        aria-label="Attach files"
        data-testid="composer-file-input"
        onChange={(e) => {
          if (e.target.files?.length) onFiles(Array.from(e.target.files));
          e.target.value = '';
        }}
      />
      <svg width="18" height="18" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" aria-hidden="true">
        <path d="M21 12.5 12.5 21a5.5 5.5 0 0 1-7.8-7.8l9-9a3.7 3.7 0 0 1 5.2 5.2l-9 9a1.8 1.8 0 0 1-2.6-2.6l8.3-8.3" />
      </svg>
    </label>
  );
}

export function FileTray({ uploads, onRemove }: { uploads: Upload[]; onRemove: (key: string) => void }) {
  if (!uploads.length) return null;
  return (
    <ul className="file-tray" aria-live="polite" data-testid="composer-files">
      {uploads.map((u) => (
        <li key={u.key} className={`chip file-${u.state}`} data-testid="composer-file" data-state={u.state}>
          <span className="file-name">{u.name}</span>
          <span className="small">{u.state === 'uploading' ? `Uploading… ${Math.round(u.progress * 100)}%` : u.state === 'failed' ? u.error : 'ready'}</span>
          <button type="button" aria-label={`Remove ${u.name}`} onClick={() => onRemove(u.key)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
