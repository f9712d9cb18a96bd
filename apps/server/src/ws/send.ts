// Sending JSON events to one socket. Frames sent to a socket within one tick (a group commit announces
// many messages at once, several of them for the same agent) leave in one write: the TCP socket is
// corked until the next tick, so they cost one syscall instead of one each.
import type { Socket } from 'node:net';
import type { ServerEvent } from '@baton/proto';
import type { WebSocket } from 'ws';

export function eventSender(socket: WebSocket): (e: ServerEvent) => void {
  // ws keeps its TCP socket private; without it (another transport) frames simply go one by one
  const tcp = (socket as unknown as { _socket?: Socket })._socket;
  let corked = false;
  const uncork = () => {
    corked = false;
    tcp?.uncork();
  };
  return (e) => {
    if (socket.readyState !== socket.OPEN) return;
    if (tcp && !corked) {
      corked = true;
      tcp.cork();
      process.nextTick(uncork);
    }
    socket.send(JSON.stringify(e));
  };
}
