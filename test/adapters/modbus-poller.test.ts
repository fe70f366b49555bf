/**
 * The poller against real Modbus TCP servers (modbus-serial's ServerTCP on 127.0.0.1) that serve
 * DOMAIN.md's literal register words, never words made by our own encoder. Real timers with short
 * intervals; assertions are on counts, not on timings.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import ModbusSerial from 'modbus-serial';
import pino from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ModbusConfigSchema } from '../../adapters/modbus/config.ts';
import { Mutex } from '../../adapters/modbus/link.ts';
import { createModbusPoller, type ModbusPoller } from '../../adapters/modbus/poller.ts';
import { createStationsAdapter } from '../../adapters/stations/index.ts';
import { msToNs, type Point } from '../../ingest/point.ts';
import { Registry } from '../../ingest/registry.ts';
import { validatePoint } from '../../ingest/schema.ts';
import { SeriesClock } from '../../ingest/time.ts';

type Table = 'holding' | 'input' | 'coil' | 'discrete';
interface Request {
  table: Table;
  address: number;
  length: number;
}

/** ServerTCP answers "illegal data address" (exception 2) for a vector call that throws this. */
const ILLEGAL_ADDRESS = { modbusErrorCode: 2 };

interface TestServer {
  port: number;
  requests: Request[];
  /** Client connections the server holds open. */
  openSockets(): number;
  close(): Promise<void>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A port nothing listens on right now (bound on 0, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A real Modbus TCP server serving literal words. ServerTCP treats port 0 as 502, so it gets a port
 * found free just before. Words absent from the maps read as 0 inside a `span`, else exception 2.
 */
async function startServer(
  words: { holding?: Record<number, number>; input?: Record<number, number>; coil?: Record<number, boolean> },
  opts: { port?: number; span?: number } = {},
): Promise<TestServer> {
  const port = opts.port ?? (await freePort());
  const requests: Request[] = [];
  const word = (table: 'holding' | 'input', addr: number): number => {
    const value = words[table]?.[addr];
    if (value !== undefined) return value;
    if (opts.span !== undefined && addr < opts.span) return 0;
    throw ILLEGAL_ADDRESS;
  };
  const many = (table: 'holding' | 'input') => (addr: number, length: number) => {
    requests.push({ table, address: addr, length });
    return Array.from({ length }, (_, i) => word(table, addr + i));
  };
  const server = new ModbusSerial.ServerTCP(
    {
      getHoldingRegister: (addr: number) => {
        requests.push({ table: 'holding', address: addr, length: 1 });
        return word('holding', addr);
      },
      getInputRegister: (addr: number) => {
        requests.push({ table: 'input', address: addr, length: 1 });
        return word('input', addr);
      },
      getMultipleHoldingRegisters: many('holding'),
      getMultipleInputRegisters: many('input'),
      getCoil: (addr: number) => {
        const value = words.coil?.[addr];
        if (value === undefined) throw ILLEGAL_ADDRESS;
        return value;
      },
    },
    { host: '127.0.0.1', port, unitID: 1 },
  );
  await new Promise<void>((resolve, reject) => {
    server.on('initialized', () => resolve());
    server.on('serverError', reject);
  });
  server.on('socketError', () => undefined);
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  cleanups.push(close);
  return { port, requests, openSockets: () => server.socks.size, close };
}

/** A TCP server that accepts connections and never answers a request. */
async function startSilentServer(): Promise<{ port: number; connections: () => number }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { port: (server.address() as { port: number }).port, connections: () => accepted };
}

interface Harness {
  poller: ModbusPoller;
  points: Point[];
  logs: Array<{ msg: string; station?: string }>;
}

const T0 = Date.UTC(2025, 5, 1, 8, 0, 0);

function harness(
  config: unknown,
  opts: { registry?: Registry; signal?: AbortSignal; seriesClock?: SeriesClock } = {},
): Harness {
  const points: Point[] = [];
  const logs: Harness['logs'] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logs.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const poller = createModbusPoller(ModbusConfigSchema.parse(config), {
    log: pino({ level: 'info' }, sink),
    registry: opts.registry ?? new Registry(),
    emit: (batch) => points.push(...batch),
    now: () => T0,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.seriesClock ? { seriesClock: opts.seriesClock } : {}),
  });
  cleanups.push(() => poller.stop());
  return { poller, points, logs };
}

// DOMAIN.md "Modbus": 123456.0 = 0x47F12000 in the four 32-bit orders; the rest computed by hand.
const LITERAL = {
  input: {
    0: 0x2000, // pm25 float32 CDAB
    1: 0x47f1,
    2: 0x47f1, // pm10 float32 ABCD
    3: 0x2000,
    4: 0xf147, // o3 float32 BADC
    5: 0x0020,
    6: 0x0020, // no2 float32 DCBA
    7: 0xf147,
    8: 0xffff, // so2 float32 NaN: unavailable
    9: 0xffff,
  },
  holding: {
    10: 0xff85, // temp_c int16 -123 × 0.1
    200: 0x0258, // humidity_pct uint16 600 × 0.1
    300: 0x0000, // tss_mgl float64 123456.0 = 0x40FE240000000000, GHEFCDAB
    301: 0x0000,
    302: 0x2400,
    303: 0x40fe,
  },
  coil: { 3: true },
};

const LITERAL_REGISTERS = [
  { field: 'pm25', table: 'input', address: 0, type: 'float32', byteOrder: 'CDAB' },
  { field: 'pm10', table: 'input', address: 2, type: 'float32', byteOrder: 'ABCD' },
  { field: 'o3', table: 'input', address: 4, type: 'float32', byteOrder: 'BADC' },
  { field: 'no2', table: 'input', address: 6, type: 'float32', byteOrder: 'DCBA' },
  { field: 'so2', table: 'input', address: 8, type: 'float32' },
  { field: 'temp_c', table: 'holding', address: 10, type: 'int16', scale: 0.1 },
  { field: 'humidity_pct', table: 'holding', address: 200, type: 'uint16', scale: 0.1 },
  { field: 'tss_mgl', table: 'holding', address: 300, type: 'float64', byteOrder: 'GHEFCDAB' },
  { field: 'co', table: 'coil', address: 3 },
];

function tcpDevice(station: string, port: number, extra: Record<string, unknown> = {}) {
  return {
    station,
    medium: 'air',
    url: `tcp://127.0.0.1:${port}`,
    intervalMs: 50,
    timeoutMs: 200,
    registers: LITERAL_REGISTERS,
    ...extra,
  };
}

describe('Modbus poller against a real Modbus TCP server', () => {
  it('emits one environment point per poll with the literal words decoded', async () => {
    const server = await startServer(LITERAL);
    const { poller, points } = harness({ devices: [tcpDevice('hue-aq-01', server.port)] });
    await poller.start();
    await vi.waitFor(() => expect(points.length).toBeGreaterThanOrEqual(2), { timeout: 5000 });
    expect(server.openSockets()).toBe(1); // one connection, kept between polls
    await poller.stop();
    await vi.waitFor(() => expect(server.openSockets()).toBe(0), { timeout: 2000 });

    expect(points[0]).toEqual({
      measurement: 'environment',
      tags: { station: 'hue-aq-01', medium: 'air' },
      fields: {
        pm25: 123456,
        pm10: 123456,
        o3: 123456,
        no2: 123456,
        temp_c: -12.3,
        humidity_pct: 60,
        tss_mgl: 123456,
        co: 1,
      },
      time: msToNs(T0),
    });
    expect(validatePoint(points[0]!)).toBeNull();
    // Same poll time on the injected clock: the series clock keeps the points apart.
    expect(points[1]!.time).toBe(msToNs(T0) + 1n);
    // Contiguous input registers 0–9 in one request; holding 10, 200 and 300–303 apart.
    const firstPoll = server.requests.slice(0, 4);
    expect(firstPoll).toEqual([
      { table: 'holding', address: 10, length: 1 },
      { table: 'holding', address: 200, length: 1 },
      { table: 'holding', address: 300, length: 4 },
      { table: 'input', address: 0, length: 10 },
    ]);
    expect(poller.status()).toEqual([
      expect.objectContaining({
        station: 'hue-aq-01',
        up: true,
        lastOkMs: T0,
        consecutiveFailures: 0,
        failures: 0,
      }),
    ]);
  });

  it('shares the hub series clock: a JSON reading of the station in the same millisecond keeps its own time', async () => {
    const seriesClock = new SeriesClock();
    const registry = new Registry([{ id: 'hue-aq-01', kind: 'station', medium: 'air' }]);
    const stations = createStationsAdapter(
      {
        log: pino({ level: 'silent' }),
        registry,
        seriesClock,
        limits: { maxAgeDays: 30 },
        now: () => T0,
      },
      { fieldAliases: {} },
    );
    const json = stations.decode({
      topic: 'stations/hue-aq-01/readings',
      payload: Buffer.from(JSON.stringify({ values: { pm25: 20 } })),
      client: 'hue-aq-01',
      receivedAtMs: T0,
    });
    expect(json.points.map((p) => p.time)).toEqual([msToNs(T0)]);
    const server = await startServer(LITERAL);
    const { poller, points } = harness(
      { devices: [tcpDevice('hue-aq-01', server.port)] },
      { seriesClock, registry },
    );
    await poller.start();
    await vi.waitFor(() => expect(points.length).toBeGreaterThanOrEqual(1), { timeout: 5000 });
    await poller.stop();
    // Same series (environment, medium=air, station=hue-aq-01), same millisecond: the next nanosecond.
    expect(points[0]?.time).toBe(msToNs(T0) + 1n);
  });

  it('splits a 126-register span into requests of at most 125 registers', async () => {
    const server = await startServer(
      { input: { 0: 0x47f1, 1: 0x2000, 124: 0x2000, 125: 0x47f1 } },
      { span: 126 },
    );
    const { poller, points } = harness({
      devices: [
        {
          ...tcpDevice('hue-aq-02', server.port),
          maxGap: 100,
          registers: [
            { field: 'pm25', table: 'input', address: 0, type: 'float32' },
            { field: 'pm10', table: 'input', address: 60, type: 'float32' },
            { field: 'o3', table: 'input', address: 120, type: 'float32' },
            { field: 'no2', table: 'input', address: 124, type: 'float32', byteOrder: 'CDAB' },
          ],
        },
      ],
    });
    await poller.start();
    await vi.waitFor(() => expect(points.length).toBeGreaterThanOrEqual(1), { timeout: 5000 });
    await poller.stop();
    expect(points[0]!.fields).toEqual({ pm25: 123456, pm10: 0, o3: 0, no2: 123456 });
    expect(server.requests.slice(0, 2)).toEqual([
      { table: 'input', address: 0, length: 122 },
      { table: 'input', address: 124, length: 2 },
    ]);
  });

  it('reports dead devices down with backoff while a live one keeps its schedule', async () => {
    const live = await startServer(LITERAL);
    const refused = await freePort();
    const silent = await startSilentServer();
    const { poller, points, logs } = harness({
      devices: [
        tcpDevice('hue-aq-01', live.port),
        tcpDevice('hue-aq-02', refused),
        tcpDevice('hue-aq-03', silent.port, { timeoutMs: 100 }),
      ],
    });
    await poller.start();
    await vi.waitFor(() => expect(points.length).toBeGreaterThanOrEqual(12), { timeout: 10_000 });
    const [ok, dead, mute] = poller.status();
    await poller.stop();

    expect(ok).toMatchObject({ up: true, failures: 0 });
    for (const down of [dead!, mute!]) {
      expect(down.up).toBe(false);
      expect(down.failures).toBeGreaterThanOrEqual(2);
      // Every poll failed (the last may still be waiting for its answer).
      expect(down.failures).toBeGreaterThanOrEqual(down.polls - 1);
      expect(down.consecutiveFailures).toBe(down.failures);
      // Backoff (interval × 2^(n-1)): far fewer attempts than the live device's polls.
      expect(down.polls).toBeLessThanOrEqual(Math.ceil(ok!.polls / 2));
    }
    expect(dead!.lastError).toMatch(/ECONNREFUSED/);
    expect(mute!.lastError).toMatch(/no reply within 100 ms|no answer within/);
    // The silent server is reconnected to after each timeout: the stream that missed a reply is dropped.
    expect(silent.connections()).toBeGreaterThanOrEqual(2);
    expect(points.every((p) => p.tags.station === 'hue-aq-01')).toBe(true);
    // State changes are logged once, not per poll.
    const downLogs = logs.filter((l) => l.msg === 'modbus device down');
    expect(downLogs.map((l) => l.station).sort()).toEqual(['hue-aq-02', 'hue-aq-03']);
  });

  it('goes down when the server drops and up when it returns, logging each change once', async () => {
    const port = await freePort();
    const { poller, points, logs } = harness({ devices: [tcpDevice('hue-aq-01', port)] });
    const changes = () => logs.filter((l) => l.msg.startsWith('modbus device ')).map((l) => l.msg.slice(14));
    await poller.start();
    await vi.waitFor(() => expect(poller.status()[0]!.failures).toBeGreaterThanOrEqual(3), { timeout: 5000 });
    expect(points).toHaveLength(0);

    const first = await startServer(LITERAL, { port });
    await vi.waitFor(() => expect(points.length).toBeGreaterThanOrEqual(2), { timeout: 10_000 });
    expect(poller.status()[0]).toMatchObject({ up: true, consecutiveFailures: 0 });

    await first.close(); // drops the poller's connection
    const failuresBefore = poller.status()[0]!.failures;
    await vi.waitFor(() => expect(poller.status()[0]!.failures).toBeGreaterThan(failuresBefore + 1), {
      timeout: 5000,
    });
    expect(poller.status()[0]).toMatchObject({
      up: false,
      lastError: expect.stringMatching(/ECONNREFUSED|closed/),
    });

    const emitted = points.length;
    await startServer(LITERAL, { port });
    await vi.waitFor(() => expect(points.length).toBeGreaterThan(emitted), { timeout: 10_000 });
    expect(poller.status()[0]!.up).toBe(true);
    expect(changes()).toEqual(['down', 'up', 'down', 'up']);
  });

  it('reports an exception reply (illegal data address) as a failure', async () => {
    const server = await startServer(LITERAL);
    const { poller } = harness({
      devices: [
        tcpDevice('hue-aq-01', server.port, {
          registers: [{ field: 'pm25', table: 'input', address: 40, type: 'float32' }],
        }),
      ],
    });
    await poller.start();
    await vi.waitFor(() => expect(poller.status()[0]!.failures).toBeGreaterThanOrEqual(1), { timeout: 5000 });
    expect(poller.status()[0]).toMatchObject({
      up: false,
      lastError: expect.stringMatching(/Illegal data address/),
    });
  });

  it('emits no point when every value is unavailable', async () => {
    const server = await startServer(LITERAL);
    const { poller, points } = harness({
      devices: [
        tcpDevice('hue-aq-01', server.port, {
          registers: [{ field: 'so2', table: 'input', address: 8, type: 'float32' }],
        }),
      ],
    });
    await poller.start();
    await vi.waitFor(() => expect(poller.status()[0]!.polls).toBeGreaterThanOrEqual(3), { timeout: 5000 });
    await poller.stop();
    expect(poller.status()[0]!.up).toBe(true);
    expect(points).toHaveLength(0);
  });

  it('never lets a hung device delay another, skips its overlapping polls, and stops promptly', async () => {
    const silent = await startSilentServer();
    const live = await startServer(LITERAL);
    const { poller, points } = harness({
      // The hung device comes first: a shared lock or connection would block the live one for 30 s.
      devices: [
        tcpDevice('hue-aq-03', silent.port, { timeoutMs: 30_000 }),
        tcpDevice('hue-aq-01', live.port),
      ],
    });
    await poller.start();
    await vi.waitFor(() => expect(points.length).toBeGreaterThanOrEqual(6), { timeout: 5000 });
    const [hung] = poller.status();
    expect(silent.connections()).toBe(1);
    // No overlap: while its one request waits, the hung device's later polls are skipped, not stacked.
    expect(hung).toMatchObject({ polls: 1, failures: 0 });
    expect(hung!.skipped).toBeGreaterThanOrEqual(3);
    // Its request would wait 30 s: stop() must not. Concurrent and repeated stops are one stop.
    await Promise.all([poller.stop(), poller.stop()]);
    await poller.stop();
    const emitted = points.length;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(points).toHaveLength(emitted);
  });

  it('stops when its AbortSignal is aborted', async () => {
    const server = await startServer(LITERAL);
    const controller = new AbortController();
    const { poller, points } = harness(
      { devices: [tcpDevice('hue-aq-01', server.port)] },
      { signal: controller.signal },
    );
    await poller.start();
    await vi.waitFor(() => expect(points.length).toBeGreaterThanOrEqual(1), { timeout: 5000 });
    controller.abort();
    await poller.stop(); // the same stop the signal started
    const polls = poller.status()[0]!.polls;
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(poller.status()[0]!.polls).toBe(polls);
  });
});

describe('Modbus poller configuration at start', () => {
  it("takes the medium from the registry when the device has none, the device's own first", async () => {
    const server = await startServer(LITERAL);
    const registry = new Registry([
      { id: 'hue-wq-01', kind: 'station', medium: 'water' },
      { id: 'hue-aq-01', kind: 'station', medium: 'water' },
    ]);
    const { medium: _drop, ...noMedium } = tcpDevice('hue-wq-01', server.port);
    const { poller, points } = harness(
      { devices: [noMedium, tcpDevice('hue-aq-01', server.port)] },
      { registry },
    );
    await poller.start();
    await vi.waitFor(() => expect(points.length).toBeGreaterThanOrEqual(2), { timeout: 5000 });
    await poller.stop();
    const media = Object.fromEntries(points.map((p) => [p.tags.station, p.tags.medium]));
    expect(media).toEqual({ 'hue-wq-01': 'water', 'hue-aq-01': 'air' });
  });

  it('refuses to start a device whose station has no medium', async () => {
    const { medium: _drop, ...noMedium } = tcpDevice('hue-xx-09', 1);
    const { poller } = harness({ devices: [noMedium] });
    await expect(poller.start()).rejects.toMatchObject({
      code: 'HUB_ERR_MODBUS_CONFIG',
      message: expect.stringMatching(/modbus\.devices\.0: station hue-xx-09 has no medium/),
    });
  });

  it('reports an RTU device whose serial port cannot be opened as down', async () => {
    const rtu = (station: string, unitId: number) => ({
      station,
      medium: 'water',
      url: 'rtu:///dev/hub-test-no-such-tty?baud=9600&parity=none',
      unitId,
      intervalMs: 50,
      timeoutMs: 200,
      registers: [{ field: 'ph', table: 'holding', address: 0, type: 'uint16', scale: 0.01 }],
    });
    const { poller, points } = harness({ devices: [rtu('hue-wq-01', 1), rtu('hue-wq-02', 2)] });
    await poller.start();
    await vi.waitFor(
      () => {
        for (const status of poller.status()) expect(status.failures).toBeGreaterThanOrEqual(2);
      },
      { timeout: 5000 },
    );
    await poller.stop();
    expect(points).toHaveLength(0);
    for (const status of poller.status()) {
      expect(status).toMatchObject({ up: false, url: 'rtu:///dev/hub-test-no-such-tty' });
      expect(status.lastError).toMatch(/no-such-tty|No such file/);
    }
  });
});

describe('Mutex (a shared RTU line)', () => {
  it('runs tasks one at a time, in order, past failures', async () => {
    const mutex = new Mutex();
    const events: string[] = [];
    let running = 0;
    const task = (name: string, fail = false) =>
      mutex.run(async () => {
        running++;
        expect(running).toBe(1);
        events.push(`start ${name}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
        events.push(`end ${name}`);
        running--;
        if (fail) throw new Error(name);
        return name;
      });
    const results = await Promise.allSettled([task('a'), task('b', true), task('c')]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(events).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  });
});
