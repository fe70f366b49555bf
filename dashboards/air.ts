/**
 * Air quality wall (environment department): VN_AQI per station with the official band colours of
 * Decision 1459/QD-TCMT, the six pollutants with their breakpoints as thresholds, and the stations on a map.
 * Live values come from `environment.aqi` (the open hour's index on every reading); the published hourly
 * and daily indices from `air_quality_index`.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import type { BreakpointColumn } from '../ingest/vn-aqi.ts';
import { target } from './datasource.ts';
import { deviceMap } from './device-map.ts';
import { meanPerStation, ofMedium, STATION, stationVariable } from './environment.ts';
import { col, from, last, tagIs } from './influxql.ts';
import { alertAnnotation, assemble, departmentVariable, Layout } from './layout.ts';
import { gauge, stat, table, timeseries } from './panels.ts';
import { aqiSteps, breakpointSteps } from './thresholds.ts';

export const AIR_UID = 'hue-air-quality';

const AIR = ofMedium('air');
/** Grafana's unit id for µg/m³. */
const UG_M3 = 'conμgm3';

const AQI_NOTE =
  'VN_AQI bands (Decision 1459/QD-TCMT): 0–50 good (green), 51–100 moderate (yellow), 101–150 poor ' +
  '(orange), 151–200 bad (red), 201–300 very bad (purple), 301–500 hazardous (maroon).';

const POLLUTANT_PANELS: ReadonlyArray<{
  field: string;
  column: BreakpointColumn;
  title: string;
  what: string;
}> = [
  { field: 'pm25', column: 'pm25', title: 'Bụi PM2.5', what: 'PM2.5' },
  { field: 'pm10', column: 'pm10', title: 'Bụi PM10', what: 'PM10' },
  { field: 'o3', column: 'o3_1h', title: 'Ôzôn (O3)', what: 'O3 (1-hour breakpoints)' },
  { field: 'no2', column: 'no2', title: 'Nitơ điôxít (NO2)', what: 'NO2' },
  { field: 'so2', column: 'so2', title: 'Lưu huỳnh điôxít (SO2)', what: 'SO2' },
  { field: 'co', column: 'co', title: 'Cacbon monoxit (CO)', what: 'CO' },
];

function current(layout: Layout): void {
  const live = from('environment').select(last('aqi').as('aqi')).where(AIR, STATION).groupBy('station');
  const daily = from('air_quality_index')
    .select(last('aqi').as('aqi'))
    .where(tagIs('period', 'day'), STATION)
    .groupBy('station');
  layout
    .row('VN_AQI hiện tại')
    .add(
      stat({
        title: 'VN_AQI hiện tại theo trạm',
        description: `Current-hour VN_AQI of each air station (NowCast for PM, running means for gases). ${AQI_NOTE}`,
        targets: [target('A', live, { alias: '$tag_station' })],
        timeFrom: '2h',
        steps: aqiSteps(),
        min: 0,
        max: 500,
        decimals: 0,
      }),
      14,
      6,
    )
    .add(
      gauge({
        title: 'VN_AQI ngày',
        description: `Daily VN_AQI published at each local midnight (24-hour means). ${AQI_NOTE}`,
        targets: [target('A', daily, { alias: '$tag_station' })],
        timeFrom: '2d',
        steps: aqiSteps(),
        min: 0,
        max: 500,
        decimals: 0,
      }),
      10,
      6,
    );
}

function trend(layout: Layout): void {
  const hourly = from('air_quality_index')
    .select(last('aqi').as('aqi'))
    .where(tagIs('period', 'hour'), STATION)
    .everyInterval()
    .groupBy('station');
  const dominant = from('air_quality_index')
    .select(
      last('aqi').as('aqi'),
      col('dominant'),
      col('aqi_pm25'),
      col('aqi_pm10'),
      col('aqi_o3'),
      col('aqi_no2'),
      col('aqi_so2'),
      col('aqi_co'),
    )
    .where(tagIs('period', 'hour'), STATION)
    .groupBy('station');
  const subIndices = ['aqi', 'aqi_pm25', 'aqi_pm10', 'aqi_o3', 'aqi_no2', 'aqi_so2', 'aqi_co'];
  layout
    .row('VN_AQI theo giờ')
    .add(
      timeseries({
        title: 'VN_AQI giờ theo trạm',
        description: `Hourly VN_AQI published by the hub at the end of each hour, per station. ${AQI_NOTE}`,
        targets: [target('A', hourly, { alias: '$tag_station' })],
        minInterval: '1h',
        steps: aqiSteps(),
        min: 0,
        decimals: 0,
      }),
      14,
      9,
    )
    .add(
      table({
        title: 'Chất ô nhiễm chính',
        description: 'Latest hourly VN_AQI of each station, its dominant pollutant and every sub-index.',
        targets: [target('A', dominant, { format: 'table' })],
        fieldSteps: Object.fromEntries(subIndices.map((f) => [f, aqiSteps()])),
        names: {
          Time: 'Giờ',
          station: 'Trạm',
          aqi: 'VN_AQI',
          dominant: 'Chính',
          aqi_pm25: 'PM2.5',
          aqi_pm10: 'PM10',
          aqi_o3: 'O3',
          aqi_no2: 'NO2',
          aqi_so2: 'SO2',
          aqi_co: 'CO',
        },
      }),
      10,
      9,
    );
}

function pollutants(layout: Layout): void {
  layout.row('Nồng độ chất ô nhiễm (µg/m³)');
  for (const p of POLLUTANT_PANELS) {
    const query = meanPerStation('air', p.field);
    layout.add(
      timeseries({
        title: p.title,
        description:
          `${p.what} concentration (µg/m³, mean per interval) per station; the background bands are the ` +
          'VN_AQI breakpoints of Decision 1459/QD-TCMT Table 2, coloured by the band they start.',
        targets: [target('A', query, { alias: '$tag_station' })],
        unit: UG_M3,
        min: 0,
        steps: breakpointSteps(p.column),
      }),
      8,
      8,
    );
  }
}

function stations(layout: Layout): void {
  const temperature = meanPerStation('air', 'temp_c');
  layout
    .row('Trạm quan trắc')
    .add(
      deviceMap({
        kind: 'station',
        variable: 'station',
        title: 'Bản đồ trạm quan trắc không khí',
        what: 'Air stations',
        label: 'Trạm',
        symbol: 'square',
      }),
      12,
      10,
    )
    .add(
      timeseries({
        title: 'Nhiệt độ không khí',
        description: 'Air temperature per station (°C, mean per interval).',
        targets: [target('A', temperature, { alias: '$tag_station' })],
        unit: 'celsius',
      }),
      12,
      10,
    );
}

export function airDashboard(): Dashboard {
  const layout = new Layout();
  current(layout);
  trend(layout);
  pollutants(layout);
  stations(layout);
  return assemble({
    uid: AIR_UID,
    title: 'Chất lượng không khí (VN_AQI)',
    description: 'Air quality: VN_AQI per station with the official band colours, pollutants, station map.',
    tags: ['environment', 'air'],
    from: 'now-24h',
    variables: [stationVariable('air'), departmentVariable('environment')],
    annotations: [alertAnnotation()],
    layout,
  });
}
