/**
 * A device's `url`: `tcp://host[:port]` (Modbus/TCP) or `rtu:///dev/ttyUSB0?baud=9600&parity=none`
 * (Modbus RTU on a serial line). Parsed at config validation and again when the poller opens the link.
 */

export type Parity = 'none' | 'even' | 'odd';

export interface TcpEndpoint {
  kind: 'tcp';
  host: string;
  port: number;
}

export interface RtuEndpoint {
  kind: 'rtu';
  /** Serial device path, the key of the shared line. */
  path: string;
  baudRate: number;
  parity: Parity;
  dataBits: 7 | 8;
  stopBits: 1 | 2;
}

export type ModbusEndpoint = TcpEndpoint | RtuEndpoint;

const TCP_PORT = 502; // IANA "mbap"
// MODBUS over Serial Line v1.02 §2.5.1/§2.8.1: 19200 bps and even parity are the required defaults.
const RTU_DEFAULTS = { baudRate: 19_200, parity: 'even', dataBits: 8, stopBits: 1 } as const;
const BAUD_RATES = [1200, 2400, 4800, 9600, 19_200, 38_400, 57_600, 115_200];
const RTU_KEYS = ['baud', 'parity', 'dataBits', 'stopBits'];

function parseTcp(url: URL, raw: string): TcpEndpoint {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1'); // IPv6 literal without brackets
  if (host === '') throw new Error(`${raw}: a tcp url needs a host (tcp://host:port)`);
  if (url.pathname !== '' && url.pathname !== '/') throw new Error(`${raw}: a tcp url has no path`);
  if (url.search !== '') throw new Error(`${raw}: a tcp url takes no options`);
  const port = url.port === '' ? TCP_PORT : Number(url.port);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`${raw}: port must be 1–65535`);
  return { kind: 'tcp', host, port };
}

function intOption<T extends number>(
  raw: string,
  params: URLSearchParams,
  key: string,
  allowed: readonly number[],
  fallback: T,
): T {
  const value = params.get(key);
  if (value === null) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !allowed.includes(n)) {
    throw new Error(`${raw}: ${key} must be one of ${allowed.join(', ')}`);
  }
  return n as T;
}

function parseRtu(url: URL, raw: string): RtuEndpoint {
  if (url.host !== '') throw new Error(`${raw}: write rtu:///dev/ttyUSB0 (three slashes, no host)`);
  const path = decodeURIComponent(url.pathname);
  if (!/^\/[^\0?#]+$/.test(path) || path.endsWith('/')) {
    throw new Error(`${raw}: an rtu url names a serial device (rtu:///dev/ttyUSB0)`);
  }
  const params = url.searchParams;
  for (const key of params.keys()) {
    if (!RTU_KEYS.includes(key)) throw new Error(`${raw}: unknown option ${key} (${RTU_KEYS.join(', ')})`);
  }
  const parity = params.get('parity') ?? RTU_DEFAULTS.parity;
  if (parity !== 'none' && parity !== 'even' && parity !== 'odd') {
    throw new Error(`${raw}: parity must be none, even or odd`);
  }
  return {
    kind: 'rtu',
    path,
    baudRate: intOption(raw, params, 'baud', BAUD_RATES, RTU_DEFAULTS.baudRate),
    parity,
    dataBits: intOption<7 | 8>(raw, params, 'dataBits', [7, 8], RTU_DEFAULTS.dataBits),
    stopBits: intOption<1 | 2>(raw, params, 'stopBits', [1, 2], RTU_DEFAULTS.stopBits),
  };
}

/** Parses a device url; throws an Error whose message says what is wrong with it. */
export function parseModbusUrl(raw: string): ModbusEndpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${raw}: not a url (tcp://host:port or rtu:///dev/ttyUSB0?baud=9600)`);
  }
  if (url.username !== '' || url.password !== '' || url.hash !== '') {
    throw new Error(`${raw}: no credentials or #fragment in a Modbus url`);
  }
  if (url.protocol === 'tcp:') return parseTcp(url, raw);
  if (url.protocol === 'rtu:') return parseRtu(url, raw);
  throw new Error(`${raw}: the scheme must be tcp:// or rtu://`);
}

/** The url as shown in status and logs: the endpoint only, options dropped. */
export function endpointLabel(endpoint: ModbusEndpoint): string {
  return endpoint.kind === 'tcp' ? `tcp://${endpoint.host}:${endpoint.port}` : `rtu://${endpoint.path}`;
}
