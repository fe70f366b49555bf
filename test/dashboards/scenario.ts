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
import { defaultOuterBoundary, insideBoundary } from '../../simulators/fleet/boundary.ts';
import {
  HOME_PORTS,
  INSHORE_LIMIT_KM,
  MIDSHORE_LIMIT_KM,
  offshoreKm,
} from '../../simulators/fleet/geography.ts';
import { FleetModel } from '../../simulators/fleet/motion.ts';
import { planFleet } from '../../simulators/fleet/vessels.ts';
import { STATIONS } from '../../simulators/stations/catalogue.ts';
import { stationRegistry } from '../../simulators/stations/config.ts';
import { type Episode, stationReadings } from '../../simulators/stations/model.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface ScenarioFacts {
  nowMs: number;
  silentVessel: string;
  driftVessel: string;
  /** When the drifting vessel left the outer boundary. */
  crossingMs: number;
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

function alertPoint(
  rule: string,
  department: string,
  severity: string,
  entity: string,
  state: 'pending' | 'firing' | 'resolved',
  atMs: number,
  startedAtMs: number,
  value: number,
  message: string,
): Point {
  return {
    measurement: 'alert',
    tags: { rule, department, severity, entity },
    fields: { state, value, message, transition_id: `${rule}:${entity}:${state}:${startedAtMs}` },
    time: msToNs(atMs),
  };
}

function zoneOf(p: { lat: number; lon: number }): string {
  if (!insideBoundary(defaultOuterBoundary(), p)) return 'outside';
  const km = offshoreKm(p);
  return km < INSHORE_LIMIT_KM ? 'inshore' : km < MIDSHORE_LIMIT_KM ? 'midshore' : 'offshore';
}

/** 20 vessels over the last 8 h, positions every 2 min (AIS every 6, VMS every 30), state every 2 min. */
function fleet(b: Builder, nowMs: number): void {
  const specs = planFleet({ vessels: 20, seed: 7, silent: 1, drift: 1 });
  const silent = specs.find((s) => s.scenario === 'silent');
  const drift = specs.find((s) => s.scenario === 'drift');
  if (!silent || !drift) throw new Error('the fleet plan has no silent or drifting vessel');
  const startMs = nowMs - 8 * HOUR;
  const model = new FleetModel(specs, { seed: 7, silentAfterMs: 50 * MINUTE });
  const lastReport = new Map<string, { ms: number; lat: number; lon: number }>();
  const boundary = defaultOuterBoundary();
  let driftInside = true;
  for (let t = startMs, step = 0; t <= nowMs - MINUTE; t += 2 * MINUTE, step++) {
    const states = step === 0 ? model.states() : model.step(2 * MINUTE);
    for (const s of states) {
      const spec = specs.find((x) => x.id === s.id);
      if (!spec) continue;
      if (s.reporting) {
        const fields = { lat: s.lat, lon: s.lon, sog_kn: s.sogKn, cog_deg: s.cogDeg };
        b.points.push({
          measurement: 'vessel_position',
          tags: { vessel: s.id, source: 'nmea' },
          fields,
          time: msToNs(t),
        });
        if (spec.channels.ais && step % 3 === 0)
          b.points.push({
            measurement: 'vessel_position',
            tags: { vessel: s.id, source: 'ais', mmsi: String(spec.mmsi) },
            fields,
            time: msToNs(t + 1000),
          });
        if (spec.terminal && step % 15 === 0)
          b.points.push({
            measurement: 'vessel_position',
            tags: { vessel: s.id, source: 'vms', terminal: spec.terminal },
            fields: { ...fields, seq: step },
            time: msToNs(t + 2000),
          });
        lastReport.set(s.id, { ms: t, lat: s.lat, lon: s.lon });
      }
      const seen = lastReport.get(s.id);
      const state: Point['fields'] = { at_sea: s.atSea, zone: zoneOf(s) };
      if (seen) {
        state.lat = seen.lat;
        state.lon = seen.lon;
        state.silent_min = Math.floor((t - seen.ms) / MINUTE);
      }
      b.points.push({
        measurement: 'vessel_state',
        tags: { vessel: s.id, home_port: HOME_PORTS[spec.homePort].name },
        fields: state,
        time: msToNs(t + 30_000),
      });
      if (s.id === drift.id && driftInside && !insideBoundary(boundary, s)) {
        driftInside = false;
        b.facts.crossingMs = t;
        b.points.push(
          alertPoint(
            'vessel-crossed-boundary',
            'fisheries',
            'critical',
            s.id,
            'firing',
            t,
            t,
            0.2,
            `${s.id} crossed the boundary`,
          ),
        );
      }
    }
  }
  const silentSince = startMs + 50 * MINUTE;
  b.points.push(
    alertPoint(
      'vms-silent-6h',
      'fisheries',
      'warning',
      silent.id,
      'firing',
      silentSince + 6 * HOUR,
      silentSince,
      360,
      `${silent.id} silent for 6 h at sea`,
    ),
  );
  b.facts.silentVessel = silent.id;
  b.facts.driftVessel = drift.id;
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
  fleet(b, nowMs);
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
