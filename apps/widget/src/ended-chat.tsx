// What an ended chat offers in place of the composer: it stays readable above, its transcript can be
// downloaded (text or a web page), and a new chat can be started.
// Seam: `emailTranscript` is the "E-mail me the transcript" action. It is shown only when given, which
// is for whoever wires the server's mailer (SMTP_URL) to pass; it resolves false when it failed.
import { useState } from 'preact/hooks';
import type { BatonClient } from './client';
import type { Strings } from './i18n';

export function EndedChat({ client, t, emailTranscript }: { client: BatonClient; t: Strings; emailTranscript?: () => Promise<boolean> }) {
  const [busy, setBusy] = useState(false);
  const [emailed, setEmailed] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const download = async (format: 'txt' | 'html') => {
    setBusy(true);
    setError(null);
    const ok = await client.downloadTranscript(format);
    setBusy(false);
    if (!ok) setError(t.downloadFailed);
  };
  return (
    <div class="ended" data-testid="widget-ended">
      <p role="status">{t.endedNotice}</p>
      <div class="ended-actions">
        <button type="button" data-testid="widget-download" disabled={busy} onClick={() => void download('txt')}>
          {t.downloadTranscript}
        </button>
        <button type="button" class="link" data-testid="widget-download-html" disabled={busy} onClick={() => void download('html')}>
          {t.downloadAsHtml}
        </button>
        {emailTranscript ? (
          <button
            type="button"
            data-testid="widget-email-transcript"
            disabled={busy || emailed}
            onClick={() => {
              setBusy(true);
              void emailTranscript()
                .catch(() => false)
                .then((ok) => {
                  setBusy(false);
                  setEmailed(ok);
                  setError(ok ? null : t.emailFailed);
                });
            }}
          >
            {emailed ? t.emailSent : t.emailTranscript}
          </button>
        ) : null}
        <button type="button" class="primary" data-testid="widget-new-chat" onClick={() => void client.startNew().catch(() => setError(t.error))}>
          {t.newChat}
        </button>
      </div>
      {error ? <p class="ended-error" role="alert">{error}</p> : null}
    </div>
  );
}
