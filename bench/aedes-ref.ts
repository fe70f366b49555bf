/**
 * The bare-aedes reference: aedes with its defaults and no hooks (no authentication, no ACL, no ingest),
 * on 127.0.0.1, port 0. The only addition is `setNoDelay(true)`, which the hub also does: with Nagle on,
 * every QoS 1 round trip waits ~40 ms for the delayed ACK, and the reference would measure Nagle, not
 * aedes. Prints the hub's `listening` JSON line; SIGTERM closes it.
 */
import { createServer } from 'node:net';
import { Aedes } from 'aedes';

const aedes = await Aedes.createBroker();
const server = createServer((socket) => {
  socket.setNoDelay(true);
  aedes.handle(socket);
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  console.log(JSON.stringify({ msg: 'listening', service: 'mqtt', port }));
});
process.on('SIGTERM', () => {
  server.close();
  aedes.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
