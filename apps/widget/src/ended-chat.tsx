// What an ended chat offers in place of the composer: it stays readable above, its transcript can be
// downloaded (text or a web page), and a new chat can be started.
// "E-mail me the transcript" is offered only when the server sends mail (SMTP_URL): to the address the
// conversation knows (shown masked), or to one the user types when none is known.
import { useEffect, useState } from 'preact/hooks';
import type { BatonClient } from './client';
import type { Strings } from './i18n';

export function EndedChat({ client, t }: { client: BatonClient; t: Strings }) {
  const [busy, setBusy] = useState(false);
  const [offer, setOffer] = useState<{ available: boolean; email: string | null }>({ available: false, email: null });
  const [address, setAddress] = useState('');
  useEffect(() => {
    void client.transcriptEmailOffer().then(setOffer);
  }, [client]);
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
        {offer.available && !offer.email && !emailed ? (
          <input
            type="email"
            data-testid="widget-email-address"
            aria-label={t.emailTranscript}
            placeholder="name@example.com"
            value={address}
            onInput={(e) => setAddress((e.target as HTMLInputElement).value)}
          />
        ) : null}
        {offer.available ? (
          <button
            type="button"
            data-testid="widget-email-transcript"
            disabled={busy || emailed || (!offer.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(address.trim()))}
            title={offer.email ?? undefined}
            onClick={() => {
              setBusy(true);
              void client
                .emailTranscript(offer.email ? undefined : address.trim())
                .catch(() => false)
                .then((ok) => {
                  setBusy(false);
                  setEmailed(ok);
                  setError(ok ? null : t.emailFailed);
                });
            }}
          >
            {emailed ? `${t.emailSent}${offer.email ? ` (${offer.email})` : ''}` : t.emailTranscript}
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
