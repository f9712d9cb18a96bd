// Styles live in the widget's shadow root: the host page cannot break them, and they cannot leak.
export const css = (color: string, position: 'left' | 'right') => `
:host { all: initial; }
* { box-sizing: border-box; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
.launcher { position: fixed; bottom: 20px; ${position}: 20px; width: 60px; height: 60px; border-radius: 50%; border: 0; background: ${color};
  color: #fff; cursor: pointer; box-shadow: 0 6px 24px rgba(0,0,0,.25); display: grid; place-items: center; z-index: 2147483000; transition: transform .15s; }
.launcher:hover { transform: scale(1.06); }
.launcher:focus-visible, button:focus-visible, textarea:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.badge { position: absolute; top: -2px; right: -2px; background: #e03131; color: #fff; border-radius: 10px; font-size: 12px; padding: 1px 6px; font-weight: 600; }
.panel { position: fixed; bottom: 92px; ${position}: 20px; width: 380px; height: min(620px, calc(100vh - 120px)); background: #fff; border-radius: 16px;
  box-shadow: 0 12px 48px rgba(0,0,0,.22); display: flex; flex-direction: column; overflow: hidden; z-index: 2147483000; color: #1f2328; font-size: 14px; }
@media (max-width: 480px) { .panel { inset: 0; width: 100%; height: 100%; border-radius: 0; bottom: 0; } .launcher.is-open { display: none; } }
.head { background: ${color}; color: #fff; padding: 14px 16px; display: flex; align-items: center; gap: 10px; }
.head h2 { margin: 0; font-size: 16px; font-weight: 600; flex: 1; }
.avatar { flex: none; width: 34px; height: 34px; border-radius: 50%; background: #fff; color: #1f2328; display: grid; place-items: center; font-size: 13px; font-weight: 700; }
.head .sub { font-size: 12px; opacity: .9; display: block; font-weight: 400; margin-top: 2px; }
.icon { background: transparent; border: 0; color: inherit; cursor: pointer; padding: 6px; border-radius: 8px; font-size: 13px; }
.icon:hover { background: rgba(255,255,255,.18); }
.banner { padding: 8px 14px; font-size: 13px; display: flex; gap: 8px; align-items: center; justify-content: space-between; }
.banner.wait { background: #fff4e6; color: #7a4100; border-bottom: 1px solid #ffe8cc; }
.banner.warn { background: #fff5f5; color: #a61e1e; border-bottom: 1px solid #ffe3e3; }
.banner button { background: #fff; border: 1px solid currentColor; color: inherit; border-radius: 14px; padding: 3px 10px; cursor: pointer; font-size: 12px; }
.log { flex: 1; overflow-y: auto; padding: 14px; display: flex; flex-direction: column; gap: 8px; background: #f8f9fb; }
.row { display: flex; flex-direction: column; max-width: 85%; }
.row.user { align-self: flex-end; align-items: flex-end; }
.row.bot, .row.agent { align-self: flex-start; align-items: flex-start; }
.who { font-size: 11px; color: #6b7280; margin: 0 4px 2px; }
.bubble { padding: 9px 12px; border-radius: 14px; line-height: 1.4; white-space: pre-wrap; word-wrap: break-word; overflow-wrap: anywhere; }
.user .bubble { background: ${color}; color: #fff; border-bottom-right-radius: 4px; }
.bot .bubble { background: #fff; border: 1px solid #e5e7eb; border-bottom-left-radius: 4px; }
.agent .bubble { background: #e7f5ff; border: 1px solid #d0ebff; border-bottom-left-radius: 4px; }
.bubble a { color: inherit; }
.system { align-self: center; font-size: 12px; color: #4b5563; background: #eef0f3; padding: 4px 10px; border-radius: 10px; text-align: center; }
.status { font-size: 11px; color: #6b7280; margin: 2px 4px 0; }
.status.failed { color: #c92a2a; }
.status button { border: 0; background: none; color: ${color}; cursor: pointer; font-size: 11px; text-decoration: underline; padding: 0 2px; }
.buttons { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.buttons button, .card button { border: 1px solid ${color}; color: ${color}; background: #fff; border-radius: 16px; padding: 6px 12px; cursor: pointer; font-size: 13px; }
.buttons button:hover, .card button:hover { background: ${color}; color: #fff; }
.buttons button:disabled, .buttons button:disabled:hover { border-color: #d0d7de; color: #6b7280; background: #f1f3f5; cursor: default; }
.cards { position: relative; max-width: 100%; }
.carousel { display: flex; gap: 8px; overflow-x: auto; max-width: 320px; padding-bottom: 4px; scroll-snap-type: x mandatory; scrollbar-width: thin; }
.arrow { position: absolute; top: 40px; width: 32px; height: 32px; border-radius: 50%; border: 1px solid #d0d7de; background: #fff; color: #1f2328;
  font-size: 20px; line-height: 1; cursor: pointer; box-shadow: 0 2px 8px rgba(0,0,0,.18); display: grid; place-items: center; padding: 0 0 2px; }
.arrow.prev { left: 4px; }
.arrow.next { right: 4px; }
.arrow:hover { background: #f1f3f5; }
.card { flex: 0 0 200px; background: #fff; border: 1px solid #e5e7eb; border-radius: 12px; overflow: hidden; scroll-snap-align: start; }
.card img { width: 100%; height: 110px; object-fit: cover; display: block; }
.card .body { padding: 10px; }
.card h3 { margin: 0 0 4px; font-size: 14px; }
.card p { margin: 0 0 8px; font-size: 12px; color: #4b5563; }
.card .buttons { margin-top: 4px; }
.typing { font-size: 12px; color: #6b7280; padding: 0 16px 6px; min-height: 18px; background: #f8f9fb; }
.compose { border-top: 1px solid #e5e7eb; padding: 10px; display: flex; gap: 8px; align-items: flex-end; background: #fff; }
.compose textarea { flex: 1; resize: none; border: 1px solid #d0d7de; border-radius: 10px; padding: 9px 10px; font-size: 14px; max-height: 120px; min-height: 40px; }
.compose .send { background: ${color}; color: #fff; border: 0; border-radius: 10px; padding: 0 14px; height: 40px; cursor: pointer; font-weight: 600; }
.compose[hidden] { display: none; }
.compose .send:disabled { opacity: .45; cursor: not-allowed; }
.ended { border-top: 1px solid #e5e7eb; padding: 10px 12px; background: #fff; font-size: 13px; color: #374151; }
.ended p { margin: 0 0 8px; }
.ended-actions { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; }
.ended-actions button { border: 1px solid #d0d7de; background: #fff; color: #1f2937; border-radius: 10px; padding: 7px 12px; font-size: 13px; cursor: pointer; }
.ended-actions button.link { border: 0; padding: 7px 2px; text-decoration: underline; color: #374151; }
.ended-actions button.primary { background: ${color}; border-color: ${color}; color: #fff; font-weight: 600; margin-left: auto; }
.ended-actions input { border: 1px solid #d0d7de; border-radius: 10px; padding: 7px 10px; font-size: 13px; min-width: 0; flex: 1 1 160px; }
.ended-actions button:disabled { opacity: .6; cursor: progress; }
.ended-error { color: #c92a2a; margin: 8px 0 0 !important; }
.counter { font-size: 11px; color: #6b7280; padding: 0 12px 6px; text-align: right; }
.counter.over { color: #c92a2a; font-weight: 600; }
.rating { align-self: stretch; background: #f6f8fa; border: 1px solid #e5e7eb; border-radius: 12px; padding: 10px 12px; display: flex; flex-direction: column; gap: 8px; }
.rating p { margin: 0; font-size: 13px; }
.rating .stars { display: flex; gap: 4px; }
.rating .stars button { background: transparent; border: 0; font-size: 26px; line-height: 1; cursor: pointer; color: #6b7280; padding: 2px 4px; border-radius: 6px; }
.rating .stars button.on { color: #b35c00; }
.rating textarea { resize: vertical; border: 1px solid #d0d7de; border-radius: 8px; padding: 6px 8px; font-size: 13px; }
.rating .actions { display: flex; justify-content: flex-end; gap: 8px; }
.rating .actions button { border-radius: 8px; padding: 6px 12px; cursor: pointer; font-size: 13px; }
.rating .skip { background: #fff; border: 1px solid #d0d7de; color: #1f2328; }
.rating .send { background: ${color}; color: #fff; border: 0; font-weight: 600; }
.rating .send:disabled { opacity: .45; cursor: not-allowed; }
.rating .error { color: #c92a2a; }
.files { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 4px; }
.thumb { display: block; border-radius: 10px; overflow: hidden; border: 1px solid #e5e7eb; background: #fff; }
.thumb img { display: block; max-width: 200px; max-height: 160px; min-width: 64px; min-height: 64px; object-fit: cover; }
.file-chip { display: inline-flex; gap: 6px; align-items: center; border: 1px solid #d0d7de; background: #fff; color: #1f2328; border-radius: 10px; padding: 6px 10px; font-size: 13px; cursor: pointer; max-width: 260px; overflow-wrap: anywhere; text-align: left; }
.file-chip .size { color: #6b7280; font-size: 11px; }
.file-chip.failed { color: #c92a2a; border-color: #ffc9c9; }
.compose .attach { background: transparent; border: 1px solid #d0d7de; color: #4b5563; border-radius: 10px; width: 40px; height: 40px; cursor: pointer; display: grid; place-items: center; flex: none; }
.compose .attach:hover { color: ${color}; border-color: ${color}; }
.tray { list-style: none; margin: 0; padding: 6px 10px 0; background: #fff; border-top: 1px solid #e5e7eb; display: flex; flex-direction: column; gap: 4px; font-size: 12px; }
.tray li { display: flex; gap: 8px; align-items: center; }
.tray .name { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.tray .failed .state { color: #c92a2a; }
.tray .done .state { color: #1b5e20; }
.tray button { border: 0; background: none; cursor: pointer; color: #6b7280; padding: 2px 4px; }
.sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
