/**
 * Writes simulators/samples/hue-sample.nmea: four minutes of what a fishing vessel's GNSS + AIS
 * receiver logs while steaming out of Thuan An on 2024-05-17 around 07:00 local (the log crosses UTC
 * midnight, 23:58 → 00:02). A 2 s epoch of RMC, GGA, VTG; GSA and GSV every 10 s; its own Class B
 * transponder (!AIVDO type 18) and the AIS traffic it hears (types 1, 18, 5, 24). Deterministic:
 * `npx tsx simulators/replay/make-sample.ts` rewrites the same file.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodeAisPosition, encodeAisStatic5, encodeAisStatic24 } from '../../adapters/ais/encode.ts';
import { encodeGga, encodeRmc, encodeVtg } from '../../adapters/nmea/encode.ts';
import { withChecksum } from '../../adapters/nmea/framing.ts';
import { destination, type LatLon } from '../common/geo.ts';
import { Random } from '../common/random.ts';

const START_MS = Date.UTC(2024, 4, 16, 23, 58, 0);
const EPOCH_MS = 2000;
const EPOCHS = 120;
const OWN_MMSI = 574_190_123;

interface Traffic {
  mmsi: number;
  type: 1 | 18;
  name: string;
  callsign: string;
  lengthM: number;
  pos: LatLon;
  sogKn: number;
  cogDeg: number;
}

/** GSV: satellites in view, four per sentence (NMEA 0183 GSV: PRN, elevation, azimuth, SNR). */
function gsv(rng: Random): string[] {
  const sats = [2, 5, 6, 12, 13, 15, 19, 24, 25, 29].map((prn) => ({
    prn,
    elevation: rng.int(5, 85),
    azimuth: rng.int(0, 359),
    snr: rng.chance(0.15) ? '' : String(rng.int(18, 46)),
  }));
  const total = Math.ceil(sats.length / 4);
  const lines: string[] = [];
  for (let i = 0; i < total; i++) {
    const group = sats.slice(i * 4, i * 4 + 4).map((s) => {
      const pad = (n: number, w: number) => String(n).padStart(w, '0');
      return `${pad(s.prn, 2)},${pad(s.elevation, 2)},${pad(s.azimuth, 3)},${s.snr}`;
    });
    lines.push(withChecksum('$', `GPGSV,${total},${i + 1},${pad2(sats.length)},${group.join(',')}`));
  }
  return lines;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

export function makeSample(): string {
  const rng = new Random('hue-sample');
  let own: LatLon = { lat: 16.5712, lon: 107.6518 };
  const traffic: Traffic[] = [
    {
      mmsi: 574_012_345,
      type: 1,
      name: 'TTH 95678 TS',
      callsign: '3WKL7',
      lengthM: 22,
      pos: { lat: 16.598, lon: 107.682 },
      sogKn: 8.1,
      cogDeg: 215,
    },
    {
      mmsi: 574_098_765,
      type: 18,
      name: 'TTH 91234 TS',
      callsign: '3WQB2',
      lengthM: 11,
      pos: { lat: 16.585, lon: 107.661 },
      sogKn: 2.1,
      cogDeg: 120,
    },
    {
      mmsi: 574_003_210,
      type: 1,
      name: 'HAI DANG 08',
      callsign: '3WXR9',
      lengthM: 48,
      pos: { lat: 16.642, lon: 107.75 },
      sogKn: 11.4,
      cogDeg: 305,
    },
    {
      mmsi: 574_177_001,
      type: 18,
      name: 'TTH 90555 TS',
      callsign: '3WAB1',
      lengthM: 13.5,
      pos: { lat: 16.579, lon: 107.672 },
      sogKn: 0.4,
      cogDeg: 80,
    },
  ];
  const lines: string[] = [];
  let cog = 37;
  let sog = 7.0;
  for (let i = 0; i < EPOCHS; i++) {
    const timeMs = START_MS + i * EPOCH_MS;
    cog += rng.normal(0, 0.8);
    sog = Math.min(7.8, Math.max(6.6, sog + rng.normal(0, 0.08)));
    own = destination(own, cog, sog * 0.514444 * (EPOCH_MS / 1000));
    const fix = { timeMs, lat: own.lat, lon: own.lon };
    lines.push(encodeRmc({ ...fix, sogKn: sog, cogDeg: cog }));
    lines.push(encodeGga({ ...fix, fix: 1, sats: 9, hdop: 0.9 + rng.int(0, 3) / 10, altitudeM: 3.4 }));
    lines.push(encodeVtg({ cogDeg: cog, sogKn: sog }));
    if (i % 5 === 0) {
      lines.push(withChecksum('$', 'GPGSA,A,3,02,05,06,12,13,15,19,24,25,,,,1.6,0.9,1.3'));
      lines.push(...gsv(rng));
    }
    if (i % 15 === 7) {
      const second = new Date(timeMs).getUTCSeconds();
      lines.push(
        ...encodeAisPosition(
          {
            type: 18,
            mmsi: OWN_MMSI,
            lat: own.lat,
            lon: own.lon,
            sogKn: sog,
            cogDeg: cog,
            headingDeg: cog,
            second,
          },
          { address: 'AIVDO' },
        ),
      );
    }
    // The traffic heard on VHF: one position report every 8 s, in turn.
    if (i % 4 === 2) {
      const t = traffic[((i / 4) % traffic.length) | 0]!;
      t.pos = destination(t.pos, t.cogDeg, t.sogKn * 0.514444 * 8 * traffic.length);
      const second = new Date(timeMs).getUTCSeconds();
      lines.push(
        ...encodeAisPosition(
          {
            type: t.type,
            mmsi: t.mmsi,
            lat: t.pos.lat,
            lon: t.pos.lon,
            sogKn: t.sogKn,
            cogDeg: t.cogDeg,
            headingDeg: t.cogDeg,
            second,
            ...(t.type === 1 ? { navStatus: t.sogKn < 3 ? 7 : 0 } : {}),
          },
          { channel: i % 8 === 2 ? 'A' : 'B' },
        ),
      );
    }
    // Static reports: type 5 of the Class A vessels, type 24 of the Class B ones.
    if (i === 30 || i === 90) {
      for (const [k, t] of traffic.entries()) {
        const input = { mmsi: t.mmsi, name: t.name, callsign: t.callsign, shipType: 30, lengthM: t.lengthM };
        lines.push(...(t.type === 1 ? encodeAisStatic5(input, { seqId: k }) : encodeAisStatic24(input)));
      }
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = fileURLToPath(new URL('../samples/hue-sample.nmea', import.meta.url));
  writeFileSync(out, makeSample());
  process.stdout.write(`wrote ${out}\n`);
}
