/**
 * Fleet / VMS wall (fisheries department): where every vessel is, which are at sea, which have gone
 * silent (Decree 26/2019, amended by 37/2024: a position at least every 2 h; a lost link reported every
 * 6 h), the track of one vessel, and boundary and zone alerts as annotations.
 *
 * Sized for 1,000 vessels over 7 days: current-state panels read the last 30 minutes of `vessel_state`
 * (written every minute per vessel) and rank in Grafana (InfluxQL cannot sort by a field); the map reads
 * one row per vessel (`last()` GROUP BY vessel); the track is bucketed by `$__interval`.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { target } from './datasource.ts';
import {
  col,
  count,
  fieldCmp,
  from,
  fromSubquery,
  last,
  max,
  type Select,
  showTagValues,
  tagInVar,
} from './influxql.ts';
import { alertAnnotation, assemble, departmentVariable, Layout, queryVariable } from './layout.ts';
import { geomap, sortBy, stat, table, timeseries } from './panels.ts';
import { SILENT_ALERT_MIN, SILENT_WARN_MIN, type Step, silenceSteps } from './thresholds.ts';

export const FLEET_UID = 'hue-fleet';

/** Speed colours: stopped (anchored, drifting), fishing speeds, steaming. */
const SPEED_STEPS: Step[] = [
  { value: null, color: '#5794F2' },
  { value: 0.5, color: '#73BF69' },
  { value: 5, color: '#B877D9' },
];

/** "Now" panels over per-minute state: a window that always holds each vessel's latest state. */
const STATE_WINDOW = '30m';

const HOME_PORT = tagInVar('home_port', 'home_port');

/** Each vessel's latest state in the window. */
function latestState(): Select {
  return from('vessel_state')
    .select(last('silent_min').as('silent_min'), col('at_sea'), col('zone'), col('lat'), col('lon'))
    .where(HOME_PORT)
    .groupBy('vessel', 'home_port');
}

function silentCount(minMinutes: number): Select {
  return fromSubquery(latestState())
    .select(count('silent_min'))
    .where(fieldCmp('silent_min', '>=', minMinutes), fieldCmp('at_sea', '=', true));
}

function overview(layout: Layout): void {
  const atSea = fromSubquery(
    from('vessel_state').select(last('at_sea').as('at_sea')).where(HOME_PORT).groupBy('vessel'),
  )
    .select(count('at_sea'))
    .where(fieldCmp('at_sea', '=', true));
  const reporting = fromSubquery(
    from('vessel_position').select(last('lat').as('lat')).groupBy('vessel'),
  ).select(count('lat'));
  layout
    .row('Tổng quan')
    .add(
      stat({
        title: 'Tàu trên biển',
        description: 'Vessels at sea now (latest vessel_state of each vessel of the selected home ports).',
        targets: [target('A', atSea)],
        timeFrom: STATE_WINDOW,
        noValue: '0',
        steps: [{ value: null, color: '#5794F2' }],
      }),
      6,
      5,
    )
    .add(
      stat({
        title: 'Tàu báo vị trí trong 2 giờ',
        description:
          'Vessels that reported at least one position in the last 2 hours (Decree 26/2019: every 2 h).',
        targets: [target('A', reporting)],
        timeFrom: '2h',
        noValue: '0',
        steps: [{ value: null, color: '#73BF69' }],
      }),
      6,
      5,
    )
    .add(
      stat({
        title: 'Mất tín hiệu trên 2 giờ',
        description: `Vessels at sea without a valid position for ${SILENT_WARN_MIN} min or more.`,
        targets: [target('A', silentCount(SILENT_WARN_MIN))],
        timeFrom: STATE_WINDOW,
        noValue: '0',
        steps: [
          { value: null, color: 'green' },
          { value: 1, color: '#FF7E00' },
        ],
      }),
      6,
      5,
    )
    .add(
      stat({
        title: 'Mất tín hiệu trên 6 giờ',
        description: `Vessels at sea silent for ${SILENT_ALERT_MIN} min or more: a lost link the centre must act on.`,
        targets: [target('A', silentCount(SILENT_ALERT_MIN))],
        timeFrom: STATE_WINDOW,
        noValue: '0',
        steps: [
          { value: null, color: 'green' },
          { value: 1, color: '#FF0000' },
        ],
      }),
      6,
      5,
    );
}

function maps(layout: Layout): void {
  // One selector with the other fields: they come from the same (latest) point, with its own time.
  const latest = from('vessel_position')
    .select(last('lat').as('lat'), col('lon'), col('sog_kn'), col('cog_deg'))
    .groupBy('vessel');
  const track = from('vessel_position')
    .select(last('lat').as('lat'), last('lon').as('lon'), max('sog_kn').as('sog_kn'))
    .where(tagInVar('vessel', 'vessel'))
    .everyInterval();
  layout
    .row('Bản đồ')
    .add(
      geomap({
        title: 'Vị trí mới nhất của đội tàu',
        description:
          'Latest position of every vessel in the time range, coloured by speed (blue stopped, green fishing speed, ' +
          'purple under way) and pointed along its course; the tooltip gives vessel, speed, course and the time ' +
          'of the last report. Not filtered by home port.',
        targets: [target('A', latest, { format: 'table' })],
        layer: {
          kind: 'markers',
          name: 'Tàu',
          colourField: 'sog_kn',
          rotationField: 'cog_deg',
          symbol: 'triangle',
        },
        view: { fit: false, lat: 16.75, lon: 107.9, zoom: 8 },
        fieldSteps: { sog_kn: SPEED_STEPS },
        units: { sog_kn: 'velocityknot', cog_deg: 'degree' },
        names: { vessel: 'Tàu', sog_kn: 'Tốc độ', cog_deg: 'Hướng' },
      }),
      16,
      14,
    )
    .add(
      geomap({
        title: 'Hành trình tàu $vessel',
        description: 'Track of the selected vessel: its last position in each interval of the time range.',
        targets: [target('A', track, { format: 'table' })],
        layer: { kind: 'route', name: 'Hành trình', colourField: 'sog_kn' },
        view: { fit: true },
        fieldSteps: { sog_kn: SPEED_STEPS },
        units: { sog_kn: 'velocityknot' },
      }),
      8,
      14,
    );
}

function silence(layout: Layout): void {
  const silent = fromSubquery(latestState())
    .select(col('silent_min'), col('zone'), col('lat'), col('lon'))
    .where(fieldCmp('silent_min', '>=', SILENT_WARN_MIN), fieldCmp('at_sea', '=', true))
    .groupBy('vessel', 'home_port');
  const recentAlerts = from('alert')
    .select(col('entity'), col('rule'), col('severity'), col('state'), col('message'))
    .where(tagInVar('department', 'department'))
    .newestFirst(100);
  layout
    .row('Mất tín hiệu và cảnh báo vùng biển')
    .add(
      table({
        title: 'Tàu mất tín hiệu trên biển (nặng nhất trước)',
        description:
          `Vessels at sea without a valid position for ${SILENT_WARN_MIN} min or more, longest silence first ` +
          `(orange from 2 h, red from ${SILENT_ALERT_MIN / 60} h). From each vessel's latest vessel_state.`,
        targets: [target('A', silent, { format: 'table' })],
        timeFrom: STATE_WINDOW,
        transformations: [sortBy('silent_min', true)],
        fieldSteps: { silent_min: silenceSteps() },
        units: { silent_min: 'm' },
        names: {
          Time: 'Cập nhật',
          vessel: 'Tàu',
          home_port: 'Cảng',
          silent_min: 'Mất tín hiệu',
          zone: 'Vùng',
          lat: 'Vĩ độ',
          lon: 'Kinh độ',
        },
      }),
      14,
      10,
    )
    .add(
      table({
        title: 'Cảnh báo nghề cá gần đây',
        description:
          'The latest alert transitions of the selected departments (boundary, zone, silence, SOS).',
        targets: [target('A', recentAlerts, { format: 'table' })],
        names: {
          Time: 'Thời gian',
          entity: 'Tàu',
          rule: 'Quy tắc',
          severity: 'Mức độ',
          state: 'Trạng thái',
          message: 'Nội dung',
        },
      }),
      10,
      10,
    );
}

function selectedVessel(layout: Layout): void {
  const speed = from('vessel_position')
    .select(max('sog_kn').as('sog_kn'))
    .where(tagInVar('vessel', 'vessel'))
    .everyInterval()
    .groupBy('source');
  const state = from('vessel_state')
    .select(last('silent_min').as('silent_min'), col('at_sea'), col('zone'), col('lat'), col('lon'))
    .where(tagInVar('vessel', 'vessel'))
    .groupBy('vessel');
  layout
    .row('Tàu đang chọn: $vessel')
    .add(
      timeseries({
        title: 'Tốc độ tàu $vessel',
        description:
          'Highest speed over ground of the selected vessel in each interval, by source (NMEA, AIS, VMS).',
        targets: [target('A', speed, { alias: '$tag_source' })],
        unit: 'velocityknot',
        min: 0,
      }),
      14,
      8,
    )
    .add(
      table({
        title: 'Trạng thái tàu $vessel',
        description:
          'Latest state of the selected vessel: minutes since its last valid position, at sea, zone.',
        targets: [target('A', state, { format: 'table' })],
        timeFrom: STATE_WINDOW,
        fieldSteps: { silent_min: silenceSteps() },
        units: { silent_min: 'm' },
        names: { vessel: 'Tàu', silent_min: 'Mất tín hiệu', at_sea: 'Trên biển', zone: 'Vùng' },
      }),
      10,
      8,
    );
}

export function fleetDashboard(): Dashboard {
  const layout = new Layout();
  overview(layout);
  maps(layout);
  silence(layout);
  selectedVessel(layout);
  return assemble({
    uid: FLEET_UID,
    title: 'Đội tàu cá / VMS',
    description:
      'Fishing fleet: positions, vessels at sea, silent vessels, tracks, boundary and zone alerts.',
    tags: ['vms', 'fisheries'],
    from: 'now-6h',
    variables: [
      queryVariable('home_port', 'Cảng cá', showTagValues('vessel_state', 'home_port'), {
        allValue: '.*',
        current: 'all',
      }),
      queryVariable(
        'vessel',
        'Tàu',
        showTagValues('vessel_state', 'vessel', tagInVar('home_port', 'home_port')),
        { multi: false, includeAll: false },
      ),
      departmentVariable('fisheries'),
    ],
    annotations: [alertAnnotation()],
    layout,
  });
}
