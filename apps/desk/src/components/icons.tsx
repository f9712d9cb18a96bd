// Inline stroke icons (no icon font or package): 20×20, currentColor.
import type { ReactElement } from 'react';

const paths: Record<string, ReactElement> = {
  queue: <path d="M4 6h12M4 10h12M4 14h7" />,
  chat: <path d="M4 5.5A1.5 1.5 0 0 1 5.5 4h9A1.5 1.5 0 0 1 16 5.5v6a1.5 1.5 0 0 1-1.5 1.5H9l-3.5 3v-3h0A1.5 1.5 0 0 1 4 11.5z" />,
  archive: <path d="M3.5 5h13v3h-13zM5 8v7.5h10V8M8 11h4" />,
  eye: <path d="M2.5 10S5 5 10 5s7.5 5 7.5 5-2.5 5-7.5 5-7.5-5-7.5-5zM10 12a2 2 0 1 0 0-4 2 2 0 0 0 0 4z" />,
  chart: <path d="M4 16V9M8 16V4M12 16v-5M16 16V7" />,
  users: <path d="M7.5 9a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM2.5 16c.5-3 2.5-4.5 5-4.5s4.5 1.5 5 4.5M13 4.3a2.5 2.5 0 0 1 0 4.4M14.5 11.8c1.6.5 2.7 1.9 3 4.2" />,
  settings: <path d="M10 12.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM10 2.5v2M10 15.5v2M2.5 10h2M15.5 10h2M4.7 4.7l1.4 1.4M13.9 13.9l1.4 1.4M4.7 15.3l1.4-1.4M13.9 6.1l1.4-1.4" />,
  bot: <path d="M5 7.5h10v7H5zM10 4v3.5M7.8 11h.01M12.2 11h.01M3 10.5v2M17 10.5v2" />,
  send: <path d="M3.5 10 16.5 4l-4 12.5-2.8-5.2z" />,
  inbox: <path d="M3.5 11 5.5 4.5h9l2 6.5v4.5h-13zM3.5 11H7l1 2h4l1-2h3.5" />,
  logout: <path d="M8 4H4.5v12H8M12 6.5 15.5 10 12 13.5M15.5 10H8" />,
  bell: <path d="M5.5 13.5V9a4.5 4.5 0 0 1 9 0v4.5l1.5 1.5H4zM8.5 17h3" />,
  close: <path d="m5 5 10 10M15 5 5 15" />,
  back: <path d="M12 4.5 6.5 10l5.5 5.5" />,
  transfer: <path d="M4 7h11l-3-3M16 13H5l3 3" />,
  handback: <path d="M8 5 4 9l4 4M4 9h8a4 4 0 0 1 0 8h-2" />,
  check: <path d="m4.5 10.5 3.5 3.5 7.5-8" />,
  note: <path d="M5 3.5h7l3 3v10H5zM12 3.5v3h3M7.5 10h5M7.5 13h3" />,
  card: <path d="M3.5 5h13v10h-13zM3.5 11h13" />,
  buttons: <path d="M3.5 6h6v3h-6zM10.5 11h6v3h-6zM3.5 11h5v3h-5z" />,
  plus: <path d="M10 4.5v11M4.5 10h11" />,
  trash: <path d="M4.5 6h11M8 6V4h4v2M6 6l.7 10h6.6L14 6" />,
  truck: <path d="M2.5 5.5h9v8h-9zM11.5 8.5h3l3 3v2h-6M5.5 15.5a1.5 1.5 0 1 0 0-.01M14 15.5a1.5 1.5 0 1 0 0-.01" />,
  info: <path d="M10 17a7 7 0 1 0 0-14 7 7 0 0 0 0 14zM10 9v4.5M10 6.5v.01" />,
  canned: <path d="M7 4 5 16M13 4l-2 12M4 8h12M3.5 12h12" />,
  refresh: <path d="M15.5 8A6 6 0 0 0 4.8 6.5M4.5 12a6 6 0 0 0 10.7 1.5M15.5 3.5V8H11M4.5 16.5V12H9" />,
  upload: <path d="M10 13V4M6.5 7.5 10 4l3.5 3.5M4 13.5V16h12v-2.5" />,
  copy: <path d="M7.5 7.5h8.5v8.5H7.5zM12.5 7.5V4H4v8.5h3.5" />,
  plug: <path d="M7 3.5v3.5M13 3.5v3.5M5 7h10v2.5a5 5 0 0 1-10 0zM10 14.5v2.5" />,
  key: <path d="M7 13a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM10 10h7M14.5 10v2.5M16.5 10v2" />,
  mail: <path d="M3 5.5h14v9H3zM3.5 6l6.5 5 6.5-5" />,
  keyboard: <path d="M2.5 5.5h15v9h-15zM5.5 8.5h.01M8.5 8.5h.01M11.5 8.5h.01M14.5 8.5h.01M6.5 11.5h7" />,
};

export type IconName = keyof typeof paths;

export function Icon(props: { name: IconName; size?: number; className?: string; title?: string }) {
  const s = props.size ?? 18;
  return (
    <svg
      className={props.className ? `icon ${props.className}` : 'icon'}
      width={s}
      height={s}
      viewBox="0 0 20 20"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.6}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden={props.title ? undefined : true}
      role={props.title ? 'img' : undefined}
    >
      {props.title ? <title>{props.title}</title> : null}
      {paths[props.name]}
    </svg>
  );
}
