/**
 * One Modbus connection: a TCP socket of its own per TCP device, or a serial line shared by the RTU
 * devices on it (DOMAIN.md: requests on one RTU line are serialised). Opens lazily, and every request
 * settles: on reply, on timeout, or when the link is closed under it.
 */
import ModbusSerial from 'modbus-serial';
import type { ReadPlan } from './decode.ts';
import { ModbusClosedError, ModbusTimeoutError } from './errors.ts';
import { endpointLabel, type ModbusEndpoint } from './url.ts';

// modbus-serial is CommonJS: its default import is module.exports, whose `default` is the client class.
const ModbusRTU = ModbusSerial.default;
type ModbusRTU = InstanceType<typeof ModbusRTU>;

/** A promise chain: each task starts when the previous one has settled. */
export class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(task, task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** Extra time granted to modbus-serial's own request timeout before ours gives up on it. */
const GUARD_MS = 500;

/** A failure after which a TCP connection cannot be trusted: anything but a Modbus exception reply. */
function breaksConnection(err: unknown): boolean {
  return typeof (err as { modbusCode?: unknown }).modbusCode !== 'number';
}

export class ModbusLink {
  readonly label: string;
  readonly #endpoint: ModbusEndpoint;
  readonly #mutex = new Mutex();
  #client: ModbusRTU | null = null;
  #shutDown = false;
  readonly #aborts = new Set<(err: unknown) => void>();

  constructor(endpoint: ModbusEndpoint) {
    this.#endpoint = endpoint;
    this.label = endpointLabel(endpoint);
  }

  /** Runs `task` with the link to itself: devices sharing a serial line are polled in turn. */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.#mutex.run(task);
  }

  /** Reads one plan from unit `unitId`: register words, or bits as 0/1. */
  async read(unitId: number, plan: ReadPlan, timeoutMs: number): Promise<number[]> {
    const client = await this.#open(timeoutMs);
    client.setID(unitId);
    client.setTimeout(timeoutMs);
    try {
      return await this.#settle(timeoutMs + GUARD_MS, `${plan.table} ${plan.address}+${plan.count}`, () =>
        request(client, plan),
      );
    } catch (err) {
      // A silent slave on a serial line leaves the line usable for the others; a TCP stream that missed
      // a reply may deliver it late, mismatched, so it is closed.
      if (this.#endpoint.kind === 'tcp' ? breaksConnection(err) : isPortError(err)) await this.close();
      throw timeoutAsCoded(err, timeoutMs);
    }
  }

  /** Drops the connection (the next read reconnects) and fails every request still waiting on it. */
  async close(): Promise<void> {
    this.#abortAll(new ModbusClosedError(`${this.label}: connection closed`));
    const client = this.#client;
    this.#client = null;
    if (client) await closeClient(client, this.#endpoint.kind);
  }

  /** Closes for good: a read after this fails instead of reconnecting. */
  async shutdown(): Promise<void> {
    this.#shutDown = true;
    await this.close();
  }

  async #open(timeoutMs: number): Promise<ModbusRTU> {
    if (this.#client?.isOpen) return this.#client;
    if (this.#client) await this.close();
    if (this.#shutDown) throw new ModbusClosedError(`${this.label}: poller stopped`);
    const client = new ModbusRTU();
    // modbus-serial re-emits serial port errors; the failing request reports them, so never crash on them.
    client.on('error', () => undefined);
    client.on('close', () => {
      if (this.#client !== client) return;
      // Dropped by the device (or an unplugged serial adapter): fail now rather than at the timeout.
      this.#client = null;
      this.#abortAll(new ModbusClosedError(`${this.label}: connection closed by the device`));
    });
    this.#client = client;
    try {
      await this.#settle(timeoutMs, `connect to ${this.label}`, () => connect(client, this.#endpoint));
    } catch (err) {
      if (this.#client === client) this.#client = null;
      await closeClient(client, this.#endpoint.kind);
      throw err;
    }
    if (this.#client !== client) throw new ModbusClosedError(`${this.label}: connection closed`);
    return client;
  }

  #abortAll(err: Error): void {
    for (const abort of [...this.#aborts]) abort(err);
  }

  /** Races `task` against a timer and against close(), so no caller ever waits forever. */
  #settle<T>(timeoutMs: number, what: string, task: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const fail = (err: unknown) => {
        clearTimeout(timer);
        this.#aborts.delete(fail);
        reject(err); // modbus-serial's errors are plain objects, not Error instances: passed on as they are
      };
      timer = setTimeout(
        () => fail(new ModbusTimeoutError(`${what}: no answer within ${timeoutMs} ms`)),
        timeoutMs,
      );
      this.#aborts.add(fail);
      let pending: Promise<T>;
      try {
        pending = task();
      } catch (err) {
        fail(err); // modbus-serial throws synchronously too (a serial binding that cannot load)
        return;
      }
      pending.then((value) => {
        clearTimeout(timer);
        this.#aborts.delete(fail);
        resolve(value);
      }, fail);
    });
  }
}

function connect(client: ModbusRTU, endpoint: ModbusEndpoint): Promise<void> {
  if (endpoint.kind === 'tcp') return client.connectTCP(endpoint.host, { port: endpoint.port });
  const { baudRate, parity, dataBits, stopBits } = endpoint;
  return client.connectRTUBuffered(endpoint.path, { baudRate, parity, dataBits, stopBits });
}

async function request(client: ModbusRTU, plan: ReadPlan): Promise<number[]> {
  switch (plan.table) {
    case 'holding':
      return (await client.readHoldingRegisters(plan.address, plan.count)).data; // FC3
    case 'input':
      return (await client.readInputRegisters(plan.address, plan.count)).data; // FC4
    case 'coil':
      return (await client.readCoils(plan.address, plan.count)).data.map(Number); // FC1
    case 'discrete':
      return (await client.readDiscreteInputs(plan.address, plan.count)).data.map(Number); // FC2
  }
}

function closeClient(client: ModbusRTU, kind: ModbusEndpoint['kind']): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => resolve();
    try {
      // TCP: destroy always calls back (close waits for a 'close' event a dead socket never sends).
      // RTU: close releases the serial device; modbus-serial's destroy would leave it open.
      if (kind === 'tcp') client.destroy(done);
      else if (client.isOpen) client.close(done);
      else done();
    } catch {
      done();
    }
  });
}

/** modbus-serial's errors for a serial port that is gone (unplugged adapter, closed port). */
function isPortError(err: unknown): boolean {
  const name = (err as { name?: unknown } | null)?.name;
  return name === 'PortNotOpenError' || name === 'SerialPortError' || err instanceof ModbusClosedError;
}

function timeoutAsCoded(err: unknown, timeoutMs: number): unknown {
  if ((err as { errno?: unknown }).errno === 'ETIMEDOUT') {
    return new ModbusTimeoutError(`no reply within ${timeoutMs} ms`, { cause: err });
  }
  return err;
}
