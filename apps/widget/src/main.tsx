// Entry: <script src="https://host/widget.js" data-server="https://host" data-bot="demo" data-locale="nl"
// data-title="…" data-color="#…" data-position="right|left" async></script>, or BatonWidget.init({...}).
// A signed-in user: data-user-id, data-user-name, data-user-email and data-user-hash (the hex
// HMAC-SHA256 of the id that the site's server computes; without it the user is an unverified claim).
import { render } from 'preact';
import { App } from './app';
import { BatonClient, type WidgetUser } from './client';
import { pickLanguage, strings } from './i18n';
import { css } from './styles';

export interface WidgetConfig {
  server?: string;
  bot?: string;
  locale?: string;
  title?: string;
  color?: string;
  position?: 'left' | 'right';
  open?: boolean;
  /** the site's signed-in user */
  user?: WidgetUser;
  /** hex HMAC-SHA256(IDENTITY_VERIFICATION_SECRET, user.id), from the site's server: verifies user.id */
  userHash?: string;
}

let mounted: { host: HTMLElement; client: BatonClient } | undefined;

export function init(config: WidgetConfig = {}) {
  if (mounted) return mounted.client;
  const server = (config.server ?? '').replace(/\/$/, '');
  const lang = pickLanguage(config.locale, navigator.languages ?? [navigator.language]);
  const t = strings(lang);
  const client = new BatonClient({ server, bot: config.bot, locale: config.locale ?? lang, user: config.user, userHash: config.userHash });
  const host = document.createElement('div');
  host.id = 'baton-widget';
  document.body.appendChild(host);
  const root = host.attachShadow({ mode: 'open' });
  const style = document.createElement('style');
  const color = /^#[0-9a-f]{3,8}$/i.test(config.color ?? '') ? config.color! : '#3b5bdb';
  style.textContent = css(color, config.position === 'left' ? 'left' : 'right');
  root.appendChild(style);
  const mount = document.createElement('div');
  root.appendChild(mount);
  render(<App client={client} t={t} title={config.title} startOpen={Boolean(config.open)} />, mount);
  void client.resume();
  mounted = { host, client };
  return client;
}

function fromScriptTag() {
  const script = (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[src*="widget.js"][data-server]');
  if (!script || script.dataset.manual !== undefined) return;
  const d = script.dataset;
  const user = d.userId || d.userName || d.userEmail ? { id: d.userId, name: d.userName, email: d.userEmail } : undefined;
  const start = () =>
    init({ server: d.server ?? new URL(script.src, location.href).origin, bot: d.bot, locale: d.locale, title: d.title, color: d.color, position: d.position === 'left' ? 'left' : 'right', open: d.open === 'true', user, userHash: d.userHash });
  if (document.body) start();
  else document.addEventListener('DOMContentLoaded', start);
}

fromScriptTag();
