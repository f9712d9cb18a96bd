// Admin: the provider delivery log (webhook and other outbound calls) with redelivery.
import { useState } from 'react';
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
      <div className="segmented" role="tablist">
        {FILTERS.map((f) => (
          <button key={f ?? 'all'} type="button" className={status === f ? 'seg on' : 'seg'} onClick={() => setStatus(f)}>
            {f ?? 'all'}
          </button>
        ))}
      </div>
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
  );
}
