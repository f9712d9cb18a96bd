// Sending JSON events to one socket. Frames sent to a socket within one tick (a group commit announces
// many messages at once, several of them for the same agent) leave in one write: the TCP socket is
// corked until the next tick, so they cost one syscall instead of one each.
// Output is bounded: a client that leaves more than WS_MAX_BUFFERED_BYTES unread is closed (4008,
// OUTPUT_OVERFLOW) instead of being buffered without end, and replays wait for `drained()` between
// frames once more than the low-water mark is waiting.
import type { Socket } from 'node:net';
import { SocketClose, type ServerEvent } from '@baton/proto';
import type { WebSocket } from 'ws';

export interface EventSender {
  (e: ServerEvent): void;
  /** more than the low-water mark waits unread: a replay should wait for drained() before going on */
  congested(): boolean;
  /** true once the unread output is below the low-water mark again; false when the socket is gone */
  drained(): Promise<boolean>;
  /** closes the socket for not reading (the feed calls it when its own queue grows too long) */
  overflow(): void;
}

/** a client that does not take its close frame within this is cut */
const CLOSE_GRACE_MS = 1000;
const DRAIN_POLL_MS = 100;

export function eventSender(socket: WebSocket, maxBuffered: number): EventSender {
  // ws keeps its TCP socket private; without it (another transport) frames simply go one by one
  const tcp = (socket as unknown as { _socket?: Socket })._socket;
  // small: with hundreds of sockets replaying at once, this is what each may hold (the kernel's own
  // socket buffer keeps a reading client busy between refills)
  const lowWater = Math.min(64 * 1024, Math.floor(maxBuffered / 4));
  let corked = false;
  const uncork = () => {
    corked = false;
    tcp?.uncork();
    // what the kernel did not take stays: the check comes after it had the tick's frames
    if (socket.bufferedAmount > maxBuffered) overflow();
    // a replay waiting for this tick's frames goes on as soon as the kernel took them: 'drain' only
    // comes after a write that filled the stream's buffer (64 KB on Node 22+), the poll is the backstop
    else if (waiters.length) wake();
  };
  const open = () => socket.readyState === socket.OPEN;

  let waiters: Array<(ok: boolean) => void> = [];
  let poll: NodeJS.Timeout | undefined;
  const wake = () => {
    const ok = open();
    if (ok && socket.bufferedAmount > lowWater) return;
    const ready = waiters;
    waiters = [];
    clearInterval(poll);
    poll = undefined;
    for (const w of ready) w(ok);
  };
  // listened to from the first wait on: an idle socket carries no listeners for it. 'drain' comes once
  // the kernel took everything; the poll notices a partial drain sooner
  let listening = false;
  const listen = () => {
    if (listening) return;
    listening = true;
    tcp?.on('drain', wake);
    socket.once('close', wake);
  };

  const overflow = () => {
    if (!open()) return;
    socket.close(SocketClose.OUTPUT_OVERFLOW, 'OUTPUT_OVERFLOW');
    // the close frame waits behind what the client did not read: the memory goes only when the socket does
    setTimeout(() => socket.terminate(), CLOSE_GRACE_MS).unref();
  };

  const send = (e: ServerEvent) => {
    if (!open()) return;
    if (tcp && !corked) {
      corked = true;
      tcp.cork();
      process.nextTick(uncork);
    }
    socket.send(JSON.stringify(e));
    if (!tcp && socket.bufferedAmount > maxBuffered) overflow();
  };
  return Object.assign(send, {
    congested: () => socket.bufferedAmount > lowWater,
    drained: () => {
      if (!open()) return Promise.resolve(false);
      if (socket.bufferedAmount <= lowWater) return Promise.resolve(true);
      listen();
      poll ??= setInterval(wake, DRAIN_POLL_MS).unref();
      return new Promise<boolean>((resolve) => waiters.push(resolve));
    },
    overflow,
  });
}
