// Admin: the provider delivery log (webhook and other outbound calls) with redelivery.
import { useRef, useState, type KeyboardEvent } from 'react';
import { api, errorText, type DeliveryStatus } from '../api';
import { Icon } from '../components/icons';
import { ErrorNote, PageHeader } from '../components/ui';
import { useDesk } from '../desk-context';
import { relativeTime } from '../format';
import { useLoad, useNow } from '../hooks';
import { href } from '../router';

const FILTERS: (DeliveryStatus | undefined)[] = [undefined, 'pending', 'delivered', 'dead'];
const PAGE = 100;

/** `providerId` (from "#/admin/deliveries/<providerId>", e.g. "channel:sms") narrows the log to one target. */
export function DeliveriesPage(props: { providerId?: string }) {
  const desk = useDesk();
  const now = useNow(10_000);
  const [status, setStatus] = useState<DeliveryStatus>();
  const providerId = props.providerId;
  // the newest page; "Older" appends the next ones (the log keeps every delivery)
  const list = useLoad(() => api.deliveries(status, PAGE, providerId), [status, providerId]);
  const [older, setOlder] = useState(false);
  const loadOlder = async () => {
    if (!list.data?.nextCursor) return;
    setOlder(true);
    try {
      const next = await api.deliveries(status, PAGE, providerId, list.data.nextCursor);
      list.setData({ deliveries: [...list.data.deliveries, ...next.deliveries], nextCursor: next.nextCursor });
    } catch (err) {
      desk.toast(errorText(err), 'error');
    } finally {
      setOlder(false);
    }
  };
  // the status filters are tabs (WAI-ARIA tabs pattern): one tab stop, arrows/Home/End move and select
  const tabs = useRef<(HTMLButtonElement | null)[]>([]);
  const tabId = (f: DeliveryStatus | undefined) => `deliveries-tab-${f ?? 'all'}`;
  const onTabKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const at = FILTERS.indexOf(status);
    const to = e.key === 'ArrowRight' ? (at + 1) % FILTERS.length : e.key === 'ArrowLeft' ? (at - 1 + FILTERS.length) % FILTERS.length : e.key === 'Home' ? 0 : e.key === 'End' ? FILTERS.length - 1 : -1;
    if (to < 0) return;
    e.preventDefault();
    setStatus(FILTERS[to]);
    tabs.current[to]?.focus();
  };
  const redeliver = async (id: string) => {
    try {
      await api.redeliver(id);
      desk.toast('Queued for redelivery', 'success');
      void list.reload();
    } catch (err) {
      desk.toast(errorText(err), 'error');
    }
  };
  return (
    <div className="page" data-testid="deliveries-page">
      <PageHeader
        title="Deliveries"
        subtitle="Events sent to external providers. Failed ones are retried with backoff; dead ones wait for you."
        actions={
          <button type="button" className="btn ghost" onClick={() => void list.reload()}>
            <Icon name="refresh" size={16} /> Refresh
          </button>
        }
      />
      {providerId ? (
        <p className="filter-note" data-testid="deliveries-provider-filter">
          Only deliveries to <span className="mono">{providerId}</span>.{' '}
          <a href={href('admin', 'deliveries')}>Show all</a>
        </p>
      ) : null}
      <div className="segmented" role="tablist" aria-label="Delivery status" onKeyDown={onTabKey} data-testid="deliveries-tabs">
        {FILTERS.map((f, i) => (
          <button
            key={f ?? 'all'}
            ref={(el) => {
              tabs.current[i] = el;
            }}
            type="button"
            role="tab"
            id={tabId(f)}
            aria-selected={status === f}
            aria-controls="deliveries-panel"
            tabIndex={status === f ? 0 : -1}
            className={status === f ? 'seg on' : 'seg'}
            onClick={() => setStatus(f)}
            data-testid="deliveries-tab"
          >
            {f ?? 'all'}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="deliveries-panel" aria-labelledby={tabId(status)}>
        <ErrorNote text={list.error} />
        <div className="table-wrap">
          <table className="table" data-testid="deliveries-table">
            <thead>
              <tr>
                <th>Created</th>
                <th>Provider</th>
                <th>Event</th>
                <th>Status</th>
                <th className="num">Attempts</th>
                <th>Last error / next try</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {list.data?.deliveries.map((d) => (
                <tr key={d.id} data-testid="delivery-row">
                  <td title={d.createdAt}>{relativeTime(d.createdAt, now)}</td>
                  <td className="mono">{d.providerId}</td>
                  <td className="mono">{d.event}</td>
                  <td>
                    <span className={`badge delivery-${d.status}`}>{d.status}</span>
                  </td>
                  <td className="num">{d.attempts}</td>
                  <td className="clip">
                    {d.lastError ? <span className="error-text">{d.lastError}</span> : null}
                    {d.status === 'pending' && d.nextAttemptAt ? <span className="muted small block">next {new Date(d.nextAttemptAt).toLocaleTimeString()}</span> : null}
                  </td>
                  <td className="actions">
                    {d.status !== 'pending' ? (
                      <button type="button" className="btn small ghost" onClick={() => void redeliver(d.id)} data-testid="redeliver">
                        Redeliver
                      </button>
                    ) : null}
                  </td>
                </tr>
              ))}
              {list.data && list.data.deliveries.length === 0 ? (
                <tr>
                  <td colSpan={7} className="muted">
                    No deliveries{status ? ` with status ${status}` : ''}
                    {providerId ? ` to ${providerId}` : ''}.
                  </td>
                </tr>
              ) : null}
            </tbody>
          </table>
        </div>
        {list.data?.nextCursor ? (
          <button type="button" className="btn ghost" onClick={() => void loadOlder()} disabled={older} data-testid="deliveries-older">
            Older deliveries
          </button>
        ) : null}
      </div>
    </div>
  );
}
