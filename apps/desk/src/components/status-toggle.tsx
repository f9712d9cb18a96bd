// Online / away / offline: a segmented control in the top bar; "offline" means no new chats.
import type { AgentStatus } from '@baton/proto';
import { useDesk } from '../desk-context';

const OPTIONS: { value: AgentStatus; label: string; hint: string }[] = [
  { value: 'online', label: 'Online', hint: 'Receive new chats' },
  { value: 'away', label: 'Away', hint: 'Keep my chats, no new ones' },
  { value: 'offline', label: 'Offline', hint: 'Not working' },
];

export function StatusToggle() {
  const desk = useDesk();
  return (
    <div className="segmented status-toggle" role="radiogroup" aria-label="My status" data-testid="status-toggle" data-status={desk.me.status}>
      {OPTIONS.map((o) => (
        <button
          key={o.value}
          type="button"
          role="radio"
          aria-checked={desk.me.status === o.value}
          className={desk.me.status === o.value ? `seg on seg-${o.value}` : 'seg'}
          title={o.hint}
          onClick={() => void desk.setStatus(o.value)}
          data-testid={`status-${o.value}`}
        >
          <span className={`dot dot-${o.value}`} aria-hidden="true" />
          <span className="seg-label">{o.label}</span>
        </button>
      ))}
    </div>
  );
}
