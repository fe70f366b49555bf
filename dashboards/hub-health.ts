/**
 * Hub health wall: traffic in, points written, write latency, spool depth, dead letters by reason,
 * connected clients and notifier failures. The `hub` measurement carries counters since the hub started
 * (every 10 s), so rates use `non_negative_derivative` and increases `non_negative_difference`: a restart
 * (counter back to 0) is dropped instead of drawn as a negative spike.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { target } from './datasource.ts';
import {
  count,
  from,
  increase,
  last,
  max,
  perSecond,
  ratePerSecond,
  showTagValues,
  tagInVar,
} from './influxql.ts';
import { alertAnnotation, assemble, departmentVariable, Layout, queryVariable } from './layout.ts';
import { sortBy, stat, table, timeseries } from './panels.ts';
import type { Step } from './thresholds.ts';

export const HUB_UID = 'hue-hub-health';

const INSTANCE = tagInVar('instance', 'instance');
const PER_SECOND = 'suffix: /s';

/** Write latency p99, ms: a batch normally lands in tens of ms; seconds mean InfluxDB struggles. */
const LATENCY_STEPS: Step[] = [
  { value: null, color: '#73BF69' },
  { value: 500, color: '#FF7E00' },
  { value: 2000, color: '#FF0000' },
];
/** Points waiting in the spool: a backlog of a few batches is normal, a million is an outage. */
const SPOOL_STEPS: Step[] = [
  { value: null, color: '#73BF69' },
  { value: 50_000, color: '#FF7E00' },
  { value: 1_000_000, color: '#FF0000' },
];

function counterRate(field: string) {
  return from('hub')
    .select(ratePerSecond(max(field)).as(field))
    .where(INSTANCE)
    .everyInterval()
    .groupBy('instance');
}

function counterIncrease(field: string) {
  return from('hub')
    .select(increase(max(field)).as(field))
    .where(INSTANCE)
    .everyInterval()
    .groupBy('instance');
}

function gaugeOf(field: string) {
  return from('hub').select(max(field).as(field)).where(INSTANCE).everyInterval().groupBy('instance');
}

function now(layout: Layout): void {
  const latest = (field: string) =>
    from('hub').select(last(field).as(field)).where(INSTANCE).groupBy('instance');
  layout
    .row('Hiện tại')
    .add(
      stat({
        title: 'Bản tin vào mỗi giây',
        description: 'MQTT messages accepted per second by each hub instance (last 15 minutes).',
        targets: [target('A', counterRate('msgs_in'), { alias: '$tag_instance' })],
        timeFrom: '15m',
        unit: PER_SECOND,
        sparkline: true,
        steps: [{ value: null, color: '#5794F2' }],
      }),
      6,
      5,
    )
    .add(
      stat({
        title: 'Thiết bị đang kết nối',
        description: 'MQTT clients connected to each hub instance now.',
        targets: [target('A', latest('clients'), { alias: '$tag_instance' })],
        timeFrom: '15m',
        steps: [{ value: null, color: '#5794F2' }],
      }),
      6,
      5,
    )
    .add(
      stat({
        title: 'Hàng đợi spool',
        description:
          'Points spooled on disk and not yet written to InfluxDB (grows during an InfluxDB outage).',
        targets: [target('A', latest('spool_points'), { alias: '$tag_instance' })],
        timeFrom: '15m',
        steps: SPOOL_STEPS,
      }),
      6,
      5,
    )
    .add(
      stat({
        title: 'Độ trễ ghi p99',
        description: '99th percentile of InfluxDB write latency over the last 15 minutes (ms).',
        targets: [
          target(
            'A',
            from('hub').select(max('write_ms_p99').as('write_ms_p99')).where(INSTANCE).groupBy('instance'),
            { alias: '$tag_instance' },
          ),
        ],
        timeFrom: '15m',
        unit: 'ms',
        steps: LATENCY_STEPS,
      }),
      6,
      5,
    );
}

function flow(layout: Layout): void {
  // Points per second by source: positions by link (nmea/ais/vms), readings by medium, camera events.
  const positions = from('vessel_position')
    .select(perSecond(count('lat')).as('points'))
    .everyInterval(0)
    .groupBy('source');
  const readings = from('environment')
    .select(perSecond(count('temp_c')).as('points'))
    .everyInterval(0)
    .groupBy('medium');
  const cameras = from('camera_event')
    .select(perSecond(count('event_id')).as('points'))
    .everyInterval(0);
  layout
    .row('Luồng dữ liệu')
    .add(
      timeseries({
        title: 'Bản tin vào mỗi giây theo nguồn',
        description:
          'Messages accepted per second by each hub (total), and points stored per second by source: vessel ' +
          'positions by link (nmea, ais, vms), station readings by medium, camera events.',
        targets: [
          target('A', counterRate('msgs_in'), { alias: 'tổng $tag_instance' }),
          target('B', positions, { alias: 'vị trí $tag_source' }),
          target('C', readings, { alias: 'trạm $tag_medium' }),
          target('D', cameras, { alias: 'camera' }),
        ],
        // Counting every position of 1,000 vessels: 100 buckets over any range keep it fast.
        maxDataPoints: 100,
        unit: PER_SECOND,
        min: 0,
      }),
      12,
      8,
    )
    .add(
      timeseries({
        title: 'Điểm ghi vào InfluxDB mỗi giây',
        description: 'Points written to InfluxDB per second by each hub instance.',
        targets: [target('A', counterRate('points_written'), { alias: '$tag_instance' })],
        unit: PER_SECOND,
        min: 0,
      }),
      12,
      8,
    );
}

function writes(layout: Layout): void {
  layout
    .row('Ghi dữ liệu')
    .add(
      timeseries({
        title: 'Độ trễ ghi p99 theo thời gian',
        description: '99th percentile of InfluxDB write latency per interval (ms).',
        targets: [target('A', gaugeOf('write_ms_p99'), { alias: '$tag_instance' })],
        unit: 'ms',
        min: 0,
        steps: LATENCY_STEPS,
      }),
      8,
      8,
    )
    .add(
      timeseries({
        title: 'Hàng đợi spool theo thời gian',
        description: 'Points waiting in the on-disk spool.',
        targets: [target('A', gaugeOf('spool_points'), { alias: '$tag_instance' })],
        min: 0,
        steps: SPOOL_STEPS,
      }),
      8,
      8,
    )
    .add(
      timeseries({
        title: 'Lỗi ghi InfluxDB',
        description: 'Failed write requests per interval (retried from the spool; points are not lost).',
        targets: [target('A', counterIncrease('write_errors'), { alias: '$tag_instance' })],
        bars: true,
        min: 0,
        decimals: 0,
      }),
      8,
      8,
    );
}

function failures(layout: Layout): void {
  const byReason = from('deadletter')
    .select(count('error').as('deadletters'))
    .everyInterval(0)
    .groupBy('reason');
  const totals = from('deadletter').select(count('error').as('deadletters')).groupBy('reason');
  layout
    .row('Thư chết, kết nối và thông báo')
    .add(
      timeseries({
        title: 'Thư chết theo lý do',
        description: 'Messages that could not be accepted (dead letters) per interval, by reason code.',
        targets: [target('A', byReason, { alias: '$tag_reason' })],
        bars: true,
        stacked: true,
        min: 0,
        decimals: 0,
      }),
      9,
      8,
    )
    .add(
      table({
        title: 'Tổng thư chết theo lý do',
        description: 'Dead letters in the time range by reason code, most frequent first.',
        targets: [target('A', totals, { format: 'table' })],
        transformations: [
          sortBy('deadletters', true),
          { id: 'organize', options: { excludeByName: { Time: true } } },
        ],
        names: { reason: 'Lý do', deadletters: 'Số lượng' },
      }),
      5,
      8,
    )
    .add(
      timeseries({
        title: 'Thiết bị kết nối theo thời gian',
        description: 'MQTT clients connected to each hub instance.',
        targets: [target('A', gaugeOf('clients'), { alias: '$tag_instance' })],
        min: 0,
        decimals: 0,
      }),
      5,
      8,
    )
    .add(
      timeseries({
        title: 'Lỗi gửi thông báo',
        description:
          'Notifications (MQTT, webhook, e-mail) that failed per interval; they are retried from the outbox.',
        targets: [target('A', counterIncrease('notifier_failures'), { alias: '$tag_instance' })],
        bars: true,
        min: 0,
        decimals: 0,
      }),
      5,
      8,
    );
}

export function hubHealthDashboard(): Dashboard {
  const layout = new Layout();
  now(layout);
  flow(layout);
  writes(layout);
  failures(layout);
  return assemble({
    uid: HUB_UID,
    title: 'Tình trạng hệ thống',
    description: 'The hub itself: traffic, writes, spool, dead letters, clients, notifier failures.',
    tags: ['hub'],
    from: 'now-6h',
    refresh: '30s',
    variables: [
      queryVariable('instance', 'Máy chủ hub', showTagValues('hub', 'instance'), { current: 'all' }),
      departmentVariable('all'),
    ],
    annotations: [alertAnnotation()],
    layout,
  });
}
