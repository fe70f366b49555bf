/**
 * The running cameras: the event model on simulated time, each event published at once with the real
 * clock's time. Cameras of their own publish the generic JSON on `cameras/{id}/events` (username =
 * camera id); cameras behind the NVR go out as Frigate's `frigate/events` through one NVR connection,
 * which, like real Frigate, publishes `frigate/available` = `online` (retained) and leaves `offline`
 * as its last will and on a clean stop.
 */
import type { MqttClient } from 'mqtt';
import {
  encodeCameraEvent,
  encodeFrigateEvent,
  type FrigateObjectInput,
} from '../../adapters/camera/encode.ts';
import type { Device } from '../../ingest/registry.ts';
import { SimClock, type SimulatorHandle, type SimulatorStats } from '../common/handle.ts';
import { connectAll, DEFAULT_MQTT_URL, endAll, type MqttTarget } from '../common/mqtt.ts';
import { CAMERAS, type CameraDef, cameraById } from './catalogue.ts';
import { type CameraEvent, CameraModel, type Congestion } from './model.ts';

export interface CongestionOptions {
  /** Default: the first camera of the run. */
  camera?: string;
  /** Simulated delay from the start, ms (default 5 min). */
  startAfterMs?: number;
  /** Simulated duration, ms (default 15 min). */
  durationMs?: number;
  /** Default 10 cars/min: 50 in 5 min, well above the alert's 30. */
  carsPerMin?: number;
}

export interface CamerasOptions {
  url?: string;
  cameras?: string[];
  /** Which cameras go through the Frigate NVR: the catalogue's choice (`share`), `all` or `none`. */
  frigate?: 'share' | 'all' | 'none';
  /** The NVR's MQTT client id and username (default `frigate-nvr`). */
  nvrId?: string;
  secrets?: Record<string, string>;
  password?: string;
  seed?: number | string;
  speedup?: number;
  /** Where simulated time starts (default: now), e.g. `lastLocalHourMs(7, Date.now())` for the rush. */
  simStartMs?: number;
  congestion?: boolean | CongestionOptions;
  qos?: 0 | 1;
  /** Real time between two model steps, ms (default 100). */
  tickMs?: number;
  now?: () => number;
  signal?: AbortSignal;
}

export interface CamerasStats extends SimulatorStats {
  new: number;
  update: number;
  end: number;
  activeObjects: number;
  congestionActive: boolean;
  simulatedMs: number;
}

export interface CamerasHandle extends SimulatorHandle<CamerasStats> {
  readonly cameras: ReadonlyArray<{ id: string; via: 'generic' | 'frigate' }>;
}

export const DEFAULT_NVR_ID = 'frigate-nvr';

/** Registry entries for the cameras (position for the maps) and the NVR gateway (`frigate/#`). */
export function camerasRegistry(opts: Pick<CamerasOptions, 'cameras' | 'nvrId'> = {}): Device[] {
  const defs = opts.cameras ? opts.cameras.map(cameraById) : CAMERAS;
  return [
    ...defs.map((c): Device => ({ id: c.id, kind: 'camera', name: c.name, lat: c.lat, lon: c.lon })),
    { id: opts.nvrId ?? DEFAULT_NVR_ID, kind: 'gateway', name: 'Frigate NVR', publish: ['frigate/#'] },
  ];
}

function viaFrigate(c: CameraDef, mode: CamerasOptions['frigate']): boolean {
  return mode === 'all' ? true : mode === 'none' ? false : c.nvr;
}

export async function startCameras(opts: CamerasOptions = {}): Promise<CamerasHandle> {
  const now = opts.now ?? Date.now;
  const clock = new SimClock(now, opts.speedup ?? 1, opts.simStartMs);
  const defs = opts.cameras ? opts.cameras.map(cameraById) : [...CAMERAS];
  const nvrId = opts.nvrId ?? DEFAULT_NVR_ID;
  const frigateCams = defs.filter((c) => viaFrigate(c, opts.frigate));
  const genericCams = defs.filter((c) => !viaFrigate(c, opts.frigate));
  const startSim = clock.simMs();
  const model = new CameraModel(defs, {
    startMs: startSim,
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
    ...(opts.congestion ? { congestion: resolveCongestion(opts.congestion, defs, startSim) } : {}),
  });
  const target = (id: string, will?: MqttTarget['will']): MqttTarget => {
    const password = opts.secrets?.[id] ?? opts.password;
    return {
      url: opts.url ?? DEFAULT_MQTT_URL,
      clientId: id,
      username: id,
      ...(password !== undefined ? { password } : {}),
      ...(will ? { will } : {}),
    };
  };
  const nvrWill = { topic: 'frigate/available', payload: 'offline', qos: 1 as const, retain: true };
  const targets = [
    ...genericCams.map((c) => target(c.id)),
    ...(frigateCams.length > 0 ? [target(nvrId, nvrWill)] : []),
  ];
  const clients = await connectAll(targets);
  const clientOf = new Map<string, MqttClient>(genericCams.map((c, i) => [c.id, clients[i]!]));
  const nvr = frigateCams.length > 0 ? clients[genericCams.length] : undefined;
  nvr?.publish('frigate/available', 'online', { qos: 1, retain: true });

  const qos = opts.qos ?? 0;
  const counts = { published: 0, errors: 0, new: 0, update: 0, end: 0 };
  const startedAt = now();
  /** Real start time and last published time of each object in view. */
  const objects = new Map<number, { startReal: number; lastReal: number; previous?: FrigateObjectInput }>();
  const frigateSet = new Set(frigateCams.map((c) => c.id));

  const send = (
    client: MqttClient | undefined,
    topic: string,
    payload: string,
    type: CameraEvent['type'],
  ) => {
    client?.publish(topic, payload, { qos }, (err) => {
      if (err) counts.errors++;
      else {
        counts.published++;
        counts[type]++;
      }
    });
  };

  const publish = (e: CameraEvent, realNow: number): void => {
    const o = objects.get(e.objectId) ?? { startReal: realNow, lastReal: realNow - 1 };
    // Strictly increasing per object, so new → update → end keep their order in time too.
    const t = Math.max(realNow, o.lastReal + 1);
    o.lastReal = t;
    const eventId = `${(o.startReal / 1000).toFixed(6)}-${e.suffix}`;
    if (frigateSet.has(e.camera)) {
      const after: FrigateObjectInput = {
        id: eventId,
        camera: e.camera,
        label: e.label,
        frameTime: t / 1000,
        startTime: o.startReal / 1000,
        ...(e.type === 'end' ? { endTime: t / 1000 } : {}),
        score: e.score,
        topScore: e.topScore,
        box: e.box,
        currentZones: e.currentZones,
        enteredZones: e.enteredZones,
        stationary: e.stationary,
      };
      send(
        nvr,
        'frigate/events',
        encodeFrigateEvent({ type: e.type, ...(o.previous ? { before: o.previous } : {}), after }),
        e.type,
      );
      o.previous = after;
    } else {
      send(
        clientOf.get(e.camera),
        `cameras/${e.camera}/events`,
        encodeCameraEvent({
          time: t,
          eventId,
          type: e.type,
          label: e.label,
          score: e.score,
          zones: e.currentZones.length > 0 ? e.currentZones : e.enteredZones,
          ...(e.type === 'end' ? { durationS: Math.round(t - o.startReal) / 1000 } : {}),
        }),
        e.type,
      );
    }
    if (e.type === 'end') objects.delete(e.objectId);
    else objects.set(e.objectId, o);
  };

  const tick = (): void => {
    const realNow = now();
    for (const e of model.advanceTo(clock.simMs())) publish(e, realNow);
  };
  const timer = setInterval(tick, opts.tickMs ?? 100);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      clearInterval(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      // A clean Frigate shutdown says so, as its last will would.
      if (nvr?.connected) await nvr.publishAsync('frigate/available', 'offline', { qos: 1, retain: true });
      await endAll(clients);
    })();
    return stopping;
  };
  const onAbort = (): void => void stop();
  opts.signal?.addEventListener('abort', onAbort, { once: true });

  return {
    cameras: defs.map((c) => ({ id: c.id, via: frigateSet.has(c.id) ? 'frigate' : 'generic' })),
    stop,
    stats: () => ({
      ...counts,
      elapsedMs: now() - startedAt,
      activeObjects: model.activeObjects(),
      congestionActive: model.congestionActive(clock.simMs()),
      simulatedMs: clock.simMs() - startSim,
    }),
  };
}

export function resolveCongestion(
  option: true | CongestionOptions,
  cameras: readonly CameraDef[],
  startSimMs: number,
): Congestion {
  const o = option === true ? {} : option;
  const camera = o.camera ?? cameras[0]?.id;
  if (!camera) throw new RangeError('congestion needs a camera');
  return {
    camera,
    startMs: startSimMs + (o.startAfterMs ?? 5 * 60_000),
    durationMs: o.durationMs ?? 15 * 60_000,
    carsPerMin: o.carsPerMin ?? 10,
  };
}
