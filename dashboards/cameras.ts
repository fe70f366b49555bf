/**
 * Cameras and urban order wall: objects detected per camera and per label over time, the busiest cameras,
 * congestion (vehicles per minute), the latest events and the cameras on a map. An object counts once,
 * by its `new` event (Frigate and the generic format send `new`, then `update`s, then `end`).
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { target } from './datasource.ts';
import { deviceMap } from './device-map.ts';
import { col, count, from, perMinute, perWindow, showTagValues, tagInVar, tagIs } from './influxql.ts';
import { alertAnnotation, assemble, departmentVariable, Layout, queryVariable } from './layout.ts';
import { barchart, sortBy, stat, table, timeseries } from './panels.ts';
import type { Step } from './thresholds.ts';

export const CAMERAS_UID = 'hue-cameras';

/**
 * Congestion as the alert rule `camera-congestion` (alerts/rules/hue-default.yaml) defines it, a local
 * operating threshold: new car objects on one camera within 5 minutes, firing above 30 and clearing below
 * 20. Red on the wall is the alert's own condition (> 30, counts are integers), yellow its hysteresis band.
 */
export const CONGESTION_LABEL = 'car';
export const CONGESTION_WINDOW_MIN = 5;
export const CONGESTION_STEPS: readonly Step[] = [
  { value: null, color: '#73BF69' },
  { value: 20, color: '#FFFF00' },
  { value: 31, color: '#FF0000' },
];

const NEW = tagIs('type', 'new');
const CAMERA = tagInVar('camera', 'camera');
const LABEL = tagInVar('label', 'label');

function overview(layout: Layout): void {
  const total = from('camera_event').select(count('event_id').as('objects')).where(NEW, CAMERA, LABEL);
  const congestion = from('camera_event')
    .select(count('event_id').as('cars'))
    .where(NEW, CAMERA, tagIs('label', CONGESTION_LABEL))
    .groupBy('camera');
  layout
    .row('Tổng quan')
    .add(
      stat({
        title: 'Đối tượng phát hiện',
        description: 'Objects detected (new events) by the selected cameras and labels in the time range.',
        targets: [target('A', total)],
        noValue: '0',
        steps: [{ value: null, color: '#5794F2' }],
      }),
      6,
      5,
    )
    .add(
      stat({
        title: 'Ùn tắc: ô tô trong 5 phút gần nhất',
        description:
          `New cars at each camera in the last ${CONGESTION_WINDOW_MIN} minutes, as the camera-congestion alert ` +
          'counts them: red above 30 (the alert fires), yellow from 20 (it has not cleared yet).',
        targets: [target('A', congestion, { alias: '$tag_camera' })],
        timeFrom: `${CONGESTION_WINDOW_MIN}m`,
        decimals: 0,
        steps: CONGESTION_STEPS,
      }),
      18,
      5,
    );
}

function trends(layout: Layout): void {
  const byCamera = from('camera_event')
    .select(perMinute(count('event_id')).as('per_min'))
    .where(NEW, CAMERA, LABEL)
    .everyInterval(0)
    .groupBy('camera');
  const byLabel = from('camera_event')
    .select(perMinute(count('event_id')).as('per_min'))
    .where(NEW, CAMERA, LABEL)
    .everyInterval(0)
    .groupBy('label');
  layout
    .row('Diễn biến')
    .add(
      timeseries({
        title: 'Sự kiện theo camera',
        description: 'Objects detected per minute at each camera (new events, averaged over each interval).',
        targets: [target('A', byCamera, { alias: '$tag_camera' })],
        unit: 'suffix: /phút',
        min: 0,
      }),
      12,
      8,
    )
    .add(
      timeseries({
        title: 'Sự kiện theo loại đối tượng',
        description: 'Objects detected per minute by label (car, motorcycle, person, ...), stacked.',
        targets: [target('A', byLabel, { alias: '$tag_label' })],
        unit: 'suffix: /phút',
        min: 0,
        bars: true,
        stacked: true,
      }),
      12,
      8,
    );
}

function ranking(layout: Layout): void {
  const top = from('camera_event')
    .select(count('event_id').as('objects'))
    .where(NEW, CAMERA, LABEL)
    .groupBy('camera');
  const cars = from('camera_event')
    .select(perWindow(count('event_id'), CONGESTION_WINDOW_MIN * 60_000).as('cars'))
    .where(NEW, CAMERA, tagIs('label', CONGESTION_LABEL))
    .everyInterval(0)
    .groupBy('camera');
  layout
    .row('Xếp hạng và ùn tắc')
    .add(
      barchart({
        title: 'Camera nhiều sự kiện nhất',
        description: 'Objects detected per camera in the time range, busiest first.',
        targets: [target('A', top, { format: 'table' })],
        xField: 'camera',
        transformations: [sortBy('objects', true)],
        names: { objects: 'Đối tượng' },
      }),
      8,
      9,
    )
    .add(
      timeseries({
        title: 'Ô tô mỗi 5 phút theo camera',
        description:
          'New cars per 5 minutes at each camera (the rate in each interval, scaled to 5 minutes); the bands are ' +
          'the camera-congestion alert thresholds (20 clears, above 30 fires).',
        targets: [target('A', cars, { alias: '$tag_camera' })],
        unit: 'suffix: /5 phút',
        min: 0,
        steps: CONGESTION_STEPS,
      }),
      16,
      9,
    );
}

function events(layout: Layout): void {
  const latest = from('camera_event')
    .select(
      col('camera'),
      col('label'),
      col('type'),
      col('score'),
      col('zones'),
      col('duration_s'),
      col('event_id'),
    )
    .where(CAMERA, LABEL)
    .newestFirst(200);
  layout
    .row('Sự kiện')
    .add(
      table({
        title: 'Bảng sự kiện',
        description: 'The latest 200 camera events of the selected cameras and labels, newest first.',
        targets: [target('A', latest, { format: 'table' })],
        units: { score: 'percentunit', duration_s: 's' },
        names: {
          Time: 'Thời gian',
          camera: 'Camera',
          label: 'Đối tượng',
          type: 'Loại',
          score: 'Độ tin cậy',
          zones: 'Vùng',
          duration_s: 'Thời lượng',
          event_id: 'Mã sự kiện',
        },
      }),
      14,
      10,
    )
    .add(
      deviceMap({
        kind: 'camera',
        variable: 'camera',
        title: 'Bản đồ camera',
        what: 'Cameras',
        label: 'Camera',
        symbol: 'square',
      }),
      10,
      10,
    );
}

export function camerasDashboard(): Dashboard {
  const layout = new Layout();
  overview(layout);
  trends(layout);
  ranking(layout);
  events(layout);
  return assemble({
    uid: CAMERAS_UID,
    title: 'Camera và trật tự đô thị',
    description: 'Urban cameras: objects per camera and label, busiest cameras, congestion, events, map.',
    tags: ['cameras', 'urban'],
    from: 'now-6h',
    refresh: '30s',
    variables: [
      // All = any camera, including registered cameras that have sent nothing yet (they stay on the map).
      queryVariable('camera', 'Camera', showTagValues('camera_event', 'camera'), {
        current: 'all',
        allValue: '.*',
      }),
      queryVariable('label', 'Đối tượng', showTagValues('camera_event', 'label'), {
        current: 'all',
        allValue: '.*',
      }),
      departmentVariable('traffic'),
    ],
    annotations: [alertAnnotation()],
    layout,
  });
}
