/**
 * The relaying references' subscriber as a process of its own: argv = host port filter. Says
 * `{ bench: 'ready' }` over IPC once subscribed and answers `{ bench: 'count' }` with how many messages
 * arrived. Exits when the bench disconnects.
 */
import { Subscriber } from './subscriber.ts';

const [host = '127.0.0.1', port = '1883', filter = '#'] = process.argv.slice(2);
const send = (message: unknown) => process.send?.(message as never);
const subscriber = new Subscriber({ host, port: Number(port), filter, clientId: `bench-sub-${process.pid}` });

process.on('message', (raw: unknown) => {
  const m = raw as { bench?: string; id?: number };
  if (m?.bench === 'count') send({ bench: 'count', id: m.id, received: subscriber.received });
});
process.on('disconnect', () => {
  subscriber.stop();
  process.exit(0);
});

subscriber.start().then(
  () => send({ bench: 'ready' }),
  (err: Error) => {
    send({ bench: 'error', message: err.message });
    process.exit(1);
  },
);
