/**
 * What a simulated vessel sends, read back by the hub's own decoders: NMEA, VMS and AIS payloads of a
 * whole fleet become the `vessel_position` / `vessel_static` points the state and position say.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createAisAdapter } from '../../adapters/ais/index.ts';
import { createNmeaAdapter } from '../../adapters/nmea/index.ts';
import type { AdapterContext, InboundMessage } from '../../adapters/types.ts';
import { createVmsAdapter } from '../../adapters/vms/index.ts';
import { msToNs } from '../../ingest/point.ts';
import { Registry } from '../../ingest/registry.ts';
import { SeriesClock } from '../../ingest/time.ts';
import {
  aisPositionSentences,
  aisStaticSentences,
  nmeaPayload,
  vmsReport,
} from '../../simulators/fleet/messages.ts';
import { FleetModel } from '../../simulators/fleet/motion.ts';
import { fleetRegistry, planFleet } from '../../simulators/fleet/vessels.ts';

const NOW = Date.parse('2025-06-01T03:20:30.250Z');
const plan = { vessels: 12, sos: 1, aisShare: 1, vmsShare: 1, seed: 4 };
const specs = planFleet(plan);
const model = new FleetModel(specs, { seed: 4, sosAfterMs: 0 });
const states = model.step(60_000);
const registry = new Registry(fleetRegistry(plan));

function ctx(): AdapterContext {
  return {
    log: pino({ level: 'silent' }),
    registry,
    seriesClock: new SeriesClock(),
    limits: { maxAgeDays: 7 },
    now: () => NOW,
  };
}

function message(topic: string, payload: string): InboundMessage {
  return { topic, payload: Buffer.from(payload), client: topic.split('/')[1]!, receivedAtMs: NOW };
}

describe('fleet messages through the hub decoders', () => {
  it('NMEA RMC+GGA+VTG: one position per vessel at the GNSS time, 1e-5° and 0.1 kn / 0.1°', () => {
    const nmea = createNmeaAdapter(ctx());
    specs.forEach((spec, i) => {
      const s = states[i]!;
      const result = nmea.decode(message(`vessels/${spec.id}/nmea`, nmeaPayload(spec, s, NOW)));
      expect(result.rejects).toEqual([]);
      const positions = result.points.filter((p) => p.measurement === 'vessel_position');
      expect(positions.length).toBeGreaterThan(0);
      // RMC, GGA and VTG of one epoch are points at the same time, each with the fields it carries.
      for (const p of positions) {
        expect(p.tags).toMatchObject({ vessel: spec.id, source: 'nmea' });
        expect(p.time).toBe(msToNs(NOW));
      }
      const f = Object.assign({}, ...positions.map((p) => p.fields));
      expect(f.lat).toBeCloseTo(s.lat, 5);
      expect(f.lon).toBeCloseTo(s.lon, 5);
      expect(Math.abs(f.sog_kn - s.sogKn)).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(Math.abs(((f.cog_deg - s.cogDeg + 540) % 360) - 180)).toBeLessThanOrEqual(0.05 + 1e-9);
      expect(f.fix).toBe(1);
      expect(f.sats).toBeGreaterThanOrEqual(7);
    });
  });

  it('VMS JSON: valid reports with seq, terminal and the SOS flag', () => {
    const vms = createVmsAdapter(ctx());
    specs.forEach((spec, i) => {
      const s = states[i]!;
      const report = vmsReport(spec, s, NOW, 41);
      const result = vms.decode(message(`vessels/${spec.id}/vms`, JSON.stringify(report)));
      expect(result.rejects).toEqual([]);
      expect(result.points).toHaveLength(1);
      const p = result.points[0]!;
      expect(p.tags).toMatchObject({ vessel: spec.id, source: 'vms', terminal: spec.terminal });
      expect(p.fields).toMatchObject({ seq: 41 });
      expect(p.fields.lat as number).toBeCloseTo(s.lat, 4);
      expect(p.time).toBe(msToNs(NOW));
      expect(Boolean(p.fields.sos)).toBe(spec.scenario === 'sos');
    });
  });

  it('AIS: types 1/18 positions and 5/24 statics, mapped to the vessel by MMSI', () => {
    const ais = createAisAdapter(ctx());
    const types = new Set<string>();
    specs.forEach((spec, i) => {
      const s = states[i]!;
      types.add(spec.aisClass);
      const result = ais.decode(
        message(
          'ais/ais-thuan-an',
          [...aisPositionSentences(spec, s, NOW), ...aisStaticSentences(spec, i % 10)].join('\r\n'),
        ),
      );
      expect(result.rejects).toEqual([]);
      const position = result.points.find((p) => p.measurement === 'vessel_position')!;
      expect(position.tags).toMatchObject({ vessel: spec.id, source: 'ais', mmsi: String(spec.mmsi) });
      // AIS positions are in 1/10000 minute.
      expect(Math.abs((position.fields.lat as number) - s.lat)).toBeLessThan(1 / 600_000 + 1e-9);
      // Type 24 comes in two parts (A: name; B: call sign, type, size), each its own point.
      const statics = result.points.filter((p) => p.measurement === 'vessel_static');
      for (const p of statics) expect(p.tags).toMatchObject({ vessel: spec.id, mmsi: String(spec.mmsi) });
      const fields = Object.assign({}, ...statics.map((p) => p.fields));
      expect(fields).toMatchObject({ name: spec.name, callsign: spec.callsign, ship_type: 30 });
      expect(fields.length_m).toBe(Math.round(spec.lengthM));
    });
    expect(types).toEqual(new Set(['A', 'B']));
  });
});
