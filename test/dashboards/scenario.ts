/**
 * The data the dashboards are proven against, built from the simulators' pure generators (fleet motion,
 * station readings, camera catalogue) and the hub's own VN_AQI enricher, ending at `nowMs`:
 * - fleet (last 8 h): one vessel silent at sea for ~7 h, one drifting across the outer boundary;
 * - stations (last 48 h): a pollution episode at Dong Ba (PM2.5 plateau) and on the Huong river (NH4+);
 * - cameras (last 6 h): Phu Xuan bridge congested for the last 30 minutes;
 * - alerts for those scenarios, device_info for the registry, hub self-metrics, dead letters.
 */
import { toLineProtocol } from '../../ingest/line-protocol.ts';
import { msToNs, type Point } from '../../ingest/point.ts';
import { AqiEnricher } from '../../ingest/vn-aqi-enricher.ts';
import { CAMERAS, LABELS } from '../../simulators/cameras/catalogue.ts';
import { Random } from '../../simulators/common/random.ts';
import { STATIONS } from '../../simulators/stations/catalogue.ts';
import { stationRegistry } from '../../simulators/stations/config.ts';
import { type Episode, stationReadings } from '../../simulators/stations/model.ts';
import { alertPoint, fleetScenario, HOUR, MINUTE } from './scenario-fleet.ts';

export interface ScenarioFacts {
  nowMs: number;
  silentVessel: string;
  driftVessel: string;
  /** When the drifting vessel left the outer boundary (undefined: it never did). */
  crossingMs?: number;
  pollutedStation: string;
  cleanAirStations: string[];
  /** The live `aqi` of the polluted station's last reading, as the enricher computed it. */
  pollutedLiveAqi: number;
  nh4Station: string;
  cleanWaterStations: string[];
  congestedCamera: string;
  /** Dead letter reason that occurs most often. */
  topDeadLetterReason: string;
  firingAlerts: Array<{ rule: string; entity: string; department: string; severity: string }>;
}

interface Builder {
  points: Point[];
  facts: Partial<ScenarioFacts>;
}

/** Readings every 5 min for 48 h, through the hub's VN_AQI enricher (live `aqi`, hourly and daily indices). */
function stations(b: Builder, nowMs: number): void {
  const polluted = 'dong-ba-air';
  const nh4Station = 'huong-truong-tien';
  const episode: Episode = {
    stations: [polluted, nh4Station],
    startMs: nowMs - 14 * HOUR,
    durationMs: 30 * HOUR,
    peakPm25: 110,
    peakNh4: 2.5,
  };
  const enricher = new AqiEnricher();
  for (let t = nowMs - 48 * HOUR; t <= nowMs - MINUTE; t += 5 * MINUTE) {
    for (const s of STATIONS) {
      const point: Point = {
        measurement: 'environment',
        tags: { station: s.id, medium: s.medium },
        fields: stationReadings(s, t, episode, 3),
        time: msToNs(t),
      };
      const out = enricher.enrich(point);
      b.points.push(...out);
      if (s.id === polluted && typeof point.fields.aqi === 'number')
        b.facts.pollutedLiveAqi = point.fields.aqi;
    }
  }
  for (const d of stationRegistry())
    b.points.push({
      measurement: 'device_info',
      tags: { device: d.id, kind: 'station' },
      fields: { name: d.name ?? d.id, lat: d.lat ?? 0, lon: d.lon ?? 0 },
      time: msToNs(nowMs - 47 * HOUR),
    });
  const peakAt = episode.startMs + 9 * HOUR;
  b.points.push(
    alertPoint(
      'aqi-bad',
      'environment',
      'warning',
      polluted,
      'firing',
      peakAt,
      peakAt,
      172,
      `${polluted}: VN_AQI bad`,
    ),
    alertPoint(
      'water-nh4-high',
      'environment',
      'warning',
      nh4Station,
      'firing',
      peakAt,
      peakAt,
      2.4,
      `${nh4Station}: NH4+ above 0.3 mg/L`,
    ),
    alertPoint(
      'pm25-high',
      'environment',
      'warning',
      'hue-centre-air',
      'firing',
      nowMs - 20 * HOUR,
      nowMs - 20 * HOUR,
      52,
      'PM2.5 high',
    ),
    alertPoint(
      'pm25-high',
      'environment',
      'warning',
      'hue-centre-air',
      'resolved',
      nowMs - 18 * HOUR,
      nowMs - 20 * HOUR,
      30,
      'PM2.5 back to normal',
    ),
  );
  b.facts.pollutedStation = polluted;
  b.facts.cleanAirStations = STATIONS.filter((s) => s.medium === 'air' && s.id !== polluted).map((s) => s.id);
  b.facts.nh4Station = nh4Station;
  b.facts.cleanWaterStations = STATIONS.filter((s) => s.medium === 'water' && s.id !== nh4Station).map(
    (s) => s.id,
  );
}

/** Camera events over 6 h at half the catalogue's rates; Phu Xuan bridge jammed (20 cars/min) for 30 min. */
function cameras(b: Builder, nowMs: number): void {
  const congested = 'phu-xuan-bridge';
  const rng = new Random('dashboards-cameras');
  let serial = 0;
  const object = (camera: string, label: string, zones: readonly string[], atMs: number) => {
    const eventId = `ev-${++serial}`;
    const tags = { camera, label };
    const fields = { event_id: eventId, score: 0.6 + rng.next() * 0.39, zones: [...zones].sort().join(',') };
    // Distinct nanoseconds per event: two objects of one label in one frame never overwrite each other.
    b.points.push({
      measurement: 'camera_event',
      tags: { ...tags, type: 'new' },
      fields,
      time: msToNs(atMs) + BigInt(serial),
    });
    const duration = rng.range(5, 90);
    b.points.push({
      measurement: 'camera_event',
      tags: { ...tags, type: 'end' },
      fields: { ...fields, duration_s: duration },
      time: msToNs(Math.min(atMs + duration * 1000, nowMs - 1000)) + BigInt(serial),
    });
  };
  for (const c of CAMERAS) {
    const weights = LABELS.map((l) => [l, c.mix[l] ?? 0] as const).filter(([, w]) => w > 0);
    for (let t = nowMs - 6 * HOUR; t < nowMs - MINUTE; t += rng.exponential((2 * MINUTE) / c.baseRatePerMin))
      object(c.id, rng.weighted(weights), c.zones, t);
  }
  const jam = CAMERAS.find((c) => c.id === congested);
  if (!jam) throw new Error(`no camera ${congested} in the catalogue`);
  for (let t = nowMs - 30 * MINUTE; t < nowMs - 10_000; t += MINUTE / 20)
    object(congested, 'car', jam.zones, t);
  for (const c of CAMERAS)
    b.points.push({
      measurement: 'device_info',
      tags: { device: c.id, kind: 'camera' },
      fields: { name: c.name, lat: c.lat, lon: c.lon },
      time: msToNs(nowMs - 47 * HOUR),
    });
  b.points.push(
    alertPoint(
      'camera-congestion',
      'traffic',
      'warning',
      congested,
      'firing',
      nowMs - 20 * MINUTE,
      nowMs - 20 * MINUTE,
      80,
      `${congested}: congestion`,
    ),
  );
  b.facts.congestedCamera = congested;
}

/** Hub self-metrics every 10 s for 6 h (counters since start) and dead letters. */
function hub(b: Builder, nowMs: number): void {
  const rng = new Random('dashboards-hub');
  const totals = { msgs_in: 0, points_written: 0, write_errors: 0, deadletters: 0, notifier_failures: 0 };
  for (let t = nowMs - 6 * HOUR; t <= nowMs - 10_000; t += 10_000) {
    totals.msgs_in += rng.int(400, 600);
    totals.points_written += rng.int(450, 700);
    if (rng.chance(0.01)) totals.write_errors++;
    if (rng.chance(0.005)) totals.notifier_failures++;
    b.points.push({
      measurement: 'hub',
      tags: { instance: 'hub-test' },
      fields: {
        ...totals,
        write_ms_p99: rng.range(15, 80),
        spool_points: rng.int(0, 800),
        clients: rng.int(60, 70),
      },
      time: msToNs(t),
    });
  }
  const reasons = [
    ['bad_checksum', 12],
    ['implausible_time', 4],
    ['invalid_json', 2],
  ] as const;
  for (const [reason, n] of reasons)
    for (let i = 0; i < n; i++)
      b.points.push({
        measurement: 'deadletter',
        tags: { reason },
        fields: { topic: 'vessels/x/nmea', client: 'x', error: reason, payload: '' },
        time: msToNs(nowMs - rng.range(10 * MINUTE, 5 * HOUR)) + BigInt(i),
      });
  b.facts.topDeadLetterReason = 'bad_checksum';
}

export function buildScenario(nowMs: number): { lines: string[]; facts: ScenarioFacts } {
  const b: Builder = { points: [], facts: { nowMs } };
  const fleet = fleetScenario(nowMs);
  b.points.push(...fleet.points);
  b.facts.silentVessel = fleet.silentVessel;
  b.facts.driftVessel = fleet.driftVessel;
  if (fleet.crossingMs !== undefined) b.facts.crossingMs = fleet.crossingMs;
  stations(b, nowMs);
  cameras(b, nowMs);
  hub(b, nowMs);
  const firing = b.points
    .filter((p) => p.measurement === 'alert' && p.fields.state === 'firing')
    .map((p) => ({
      rule: p.tags.rule ?? '',
      entity: p.tags.entity ?? '',
      department: p.tags.department ?? '',
      severity: p.tags.severity ?? '',
    }));
  // pm25-high was resolved afterwards: not firing any more.
  b.facts.firingAlerts = firing.filter((a) => a.rule !== 'pm25-high');
  return { lines: b.points.map(toLineProtocol), facts: b.facts as ScenarioFacts };
}
