// The desk shell: who is signed in, the navigation rail, the top bar, and which page the hash shows.
import { useEffect, useState } from 'react';
import { api, setUnauthorizedHandler, type Agent } from './api';
import { Icon, type IconName } from './components/icons';
import { KeyboardHelp } from './components/keyboard-help';
import { StatusToggle } from './components/status-toggle';
import { Avatar, Spinner } from './components/ui';
import { DeskProvider, useDesk } from './desk-context';
import { askNotificationPermission, notificationsSupported } from './notify';
import { AgentsPage } from './pages/agents-page';
import { AnalyticsPage } from './pages/analytics-page';
import { BotsPage } from './pages/bots-page';
import { CannedPage } from './pages/canned-page';
import { ChannelsPage } from './pages/channels-page';
import { DeliveriesPage } from './pages/deliveries-page';
import { FOLLOWUPS_CHANGED, FollowupsPage } from './pages/followups-page';
import { PrivacyPage } from './pages/privacy-page';
import { ContactPage } from './pages/contact-page';
import { InboxPage, type InboxTab } from './pages/inbox-page';
import { LoginPage } from './pages/login-page';
import { OffloadingPage } from './pages/offloading-page';
import { SupervisorPage } from './pages/supervisor-page';
import { href, navigate, useRoute } from './router';

export function App() {
  const [agent, setAgent] = useState<Agent | null | undefined>(undefined);
  useEffect(() => {
    setUnauthorizedHandler(() => setAgent(null));
    api
      .me()
      .then((r) => setAgent(r.agent))
      .catch(() => setAgent(null));
    return () => setUnauthorizedHandler(undefined);
  }, []);
  if (agent === undefined) {
    return (
      <div className="boot">
        <Spinner />
      </div>
    );
  }
  if (!agent) return <LoginPage onLoggedIn={setAgent} />;
  return (
    <DeskProvider agent={agent} onLoggedOut={() => setAgent(null)}>
      <Shell />
    </DeskProvider>
  );
}

interface NavItem {
  to: string[];
  label: string;
  icon: IconName;
  count?: number;
  testId: string;
}

function Shell() {
  const desk = useDesk();
  const route = useRoute();
  const [helpOpen, setHelpOpen] = useState(false);
  const [perm, setPerm] = useState(() => (notificationsSupported() ? Notification.permission : 'unsupported'));
  const section = route[0] ?? 'queue';

  useEffect(() => {
    if (route.length === 0) navigate(desk.mine.length ? 'mine' : 'queue');
  }, [route.length, desk.mine.length]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if (t && (t.closest('input, textarea, select, [contenteditable="true"]') || t.closest('[role="dialog"]'))) return;
      if (e.key === '?' && !e.ctrlKey && !e.metaKey) setHelpOpen((v) => !v);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const followups = useFollowupCount(route[0]);
  const unreadMine = desk.mine.reduce((n, c) => n + (desk.unread[c.id] ? 1 : 0), 0);
  const items: NavItem[] = [
    { to: ['queue'], label: 'Queue', icon: 'inbox', count: desk.queue.length, testId: 'nav-queue' },
    { to: ['mine'], label: 'My chats', icon: 'chat', count: unreadMine || undefined, testId: 'nav-mine' },
    { to: ['closed'], label: 'History', icon: 'archive', testId: 'nav-history' },
    { to: ['followups'], label: 'Follow-ups', icon: 'mail', count: followups.open || undefined, testId: 'nav-followups' },
  ];
  if (desk.isSupervisor) {
    items.push({ to: ['supervisor'], label: 'Supervise', icon: 'eye', testId: 'nav-supervisor' });
    items.push({ to: ['analytics'], label: 'Analytics', icon: 'chart', testId: 'nav-analytics' });
  }
  const admin: NavItem[] = desk.isAdmin
    ? [
        { to: ['admin', 'agents'], label: 'Agents', icon: 'users', testId: 'nav-agents' },
        { to: ['admin', 'offloading'], label: 'Offloading', icon: 'settings', testId: 'nav-offloading' },
        { to: ['admin', 'bots'], label: 'Bots', icon: 'bot', testId: 'nav-bots' },
        { to: ['admin', 'canned'], label: 'Canned', icon: 'canned', testId: 'nav-canned' },
        { to: ['admin', 'channels'], label: 'Channels', icon: 'plug', testId: 'nav-channels' },
        { to: ['admin', 'deliveries'], label: 'Deliveries', icon: 'truck', testId: 'nav-deliveries' },
        { to: ['admin', 'privacy'], label: 'Privacy', icon: 'key', testId: 'nav-privacy' },
      ]
    : desk.isSupervisor
      ? [{ to: ['admin', 'canned'], label: 'Canned', icon: 'canned', testId: 'nav-canned' }]
      : [];
  const isActive = (to: string[]) => to.every((p, i) => route[i] === p) || (to[0] === section && to.length === 1 && section !== 'admin');

  return (
    <div className="shell">
      <nav className="rail" aria-label="Main">
        <a className="brand" href={href('queue')} aria-label="Baton desk">
          <span className="brand-mark">
            <svg viewBox="0 0 32 32" width="28" height="28" aria-hidden="true">
              <rect width="32" height="32" rx="9" fill="currentColor" />
              <path d="M10 22 22 10" stroke="white" strokeWidth="3.5" strokeLinecap="round" />
              <circle cx="22" cy="10" r="2.6" fill="white" />
            </svg>
          </span>
        </a>
        <div className="rail-items">
          {items.map((it) => (
            <RailLink key={it.testId} item={it} active={isActive(it.to)} />
          ))}
          {admin.length ? <div className="rail-sep" /> : null}
          {admin.map((it) => (
            <RailLink key={it.testId} item={it} active={isActive(it.to)} />
          ))}
        </div>
      </nav>
      <div className="main">
        <header className="topbar">
          <div className="topbar-left">
            <span className="topbar-title">Baton desk</span>
            {desk.socketState !== 'open' ? (
              <span className="conn-pill" role="status" data-testid="connection-state">
                {desk.socketState === 'connecting' ? 'Connecting…' : 'Offline — reconnecting'}
              </span>
            ) : null}
          </div>
          <div className="topbar-right">
            <StatusToggle />
            {perm === 'default' ? (
              <button
                type="button"
                className="btn ghost small hide-sm"
                onClick={async () => setPerm(await askNotificationPermission())}
                title="Get a browser notification when a chat arrives while this tab is in the background"
              >
                <Icon name="bell" /> Enable alerts
              </button>
            ) : null}
            <button type="button" className="icon-btn hide-sm" onClick={() => setHelpOpen(true)} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)">
              <Icon name="keyboard" />
            </button>
            <div className="me" title={`${desk.me.email} · ${desk.me.role}`}>
              <Avatar name={desk.me.name} kind="agent" size="sm" />
              <span className="me-name hide-sm" data-testid="me-name">
                {desk.me.name}
              </span>
            </div>
            <button type="button" className="icon-btn" onClick={() => void desk.logout()} aria-label="Sign out" title="Sign out" data-testid="logout">
              <Icon name="logout" />
            </button>
          </div>
        </header>
        <main className="content">
          <Page route={route} />
        </main>
      </div>
      {helpOpen ? <KeyboardHelp onClose={() => setHelpOpen(false)} /> : null}
      <div className="toasts" aria-live="polite">
        {desk.toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} data-testid="toast">
            <span>{t.text}</span>
            <button type="button" className="icon-btn" aria-label="Dismiss" onClick={() => desk.dismissToast(t.id)}>
              <Icon name="close" size={14} />
            </button>
          </div>
        ))}
      </div>
    </div>
  );
}

/**
 * Open follow-ups I may answer, for the rail's badge: read again when the server says a follow-up
 * changed (followups.updated), when the socket reconnects, when the page changes and when the
 * Follow-ups page changes one; a slow poll is the backstop. The server counts at most 99.
 */
function useFollowupCount(page: string | undefined): { open: number } {
  const desk = useDesk();
  const [open, setOpen] = useState(0);
  useEffect(() => {
    let live = true;
    const load = () =>
      api
        .followupCount()
        .then((c) => live && setOpen(c.capped ? 100 : c.open))
        .catch(() => undefined);
    void load();
    const t = setInterval(load, 5 * 60_000);
    window.addEventListener(FOLLOWUPS_CHANGED, load);
    const off = desk.socket.on((e) => {
      if (e.type === 'followups.updated' || e.type === 'ready') void load();
    });
    return () => {
      live = false;
      clearInterval(t);
      off();
      window.removeEventListener(FOLLOWUPS_CHANGED, load);
    };
  }, [page, desk.socket]);
  return { open };
}

function RailLink(props: { item: NavItem; active: boolean }) {
  const { item } = props;
  return (
    <a href={href(...item.to)} className={props.active ? 'rail-link active' : 'rail-link'} aria-current={props.active ? 'page' : undefined} data-testid={item.testId}>
      <Icon name={item.icon} size={20} />
      <span className="rail-label">{item.label}</span>
      {item.count ? <span className="rail-count">{item.count > 99 ? '99+' : item.count}</span> : null}
    </a>
  );
}

function Page(props: { route: string[] }) {
  const desk = useDesk();
  const [a, b, c] = props.route;
  if (a === 'queue' || a === 'mine' || a === 'closed') return <InboxPage tab={a as InboxTab} openId={b} />;
  if (a === 'followups') return <FollowupsPage />;
  if (a === 'supervisor' && desk.isSupervisor) return <SupervisorPage openId={b} />;
  if (a === 'analytics' && desk.isSupervisor) return <AnalyticsPage />;
  if (a === 'contact' && b) return <ContactPage userId={b} />;
  if (a === 'admin' && b === 'canned' && desk.isSupervisor) return <CannedPage />;
  if (a === 'admin' && desk.isAdmin) {
    if (b === 'agents') return <AgentsPage />;
    if (b === 'offloading') return <OffloadingPage />;
    if (b === 'bots') return <BotsPage />;
    if (b === 'channels') return <ChannelsPage />;
    if (b === 'deliveries') return <DeliveriesPage providerId={c} />;
    if (b === 'privacy') return <PrivacyPage />;
  }
  if (props.route.length === 0) return null;
  return (
    <div className="page">
      <p className="muted">This page does not exist or needs another role.</p>
    </div>
  );
}
