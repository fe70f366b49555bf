/** pino JSON logs; pretty when stdout is a TTY (or `log.pretty`). One child logger per module. */
import pino, { type Logger } from 'pino';

export function createLogger(opts: { level: string; pretty?: boolean | undefined }): Logger {
  const pretty = opts.pretty ?? process.stdout.isTTY === true;
  if (pretty) {
    return pino({
      level: opts.level,
      transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } },
    });
  }
  return pino({ level: opts.level });
}

export const silentLogger: Logger = pino({ level: 'silent' });
