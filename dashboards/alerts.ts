/**
 * Alerts wall: what is firing now by department and severity, the timeline of every rule and entity, and
 * the history of transitions (`alert` points: state pending/firing/resolved, one per transition).
 * "Now" is each rule+entity's latest transition: looked up over 30 days, so that an alert that fired days
 * ago and still fires is counted whatever the dashboard's range.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { MappingType, type ValueMapping } from '@grafana/grafana-foundation-sdk/dashboard';
import { target } from './datasource.ts';
import {
  col,
  count,
  fieldCmp,
  from,
  fromSubquery,
  last,
  type Select,
  showTagValues,
  tagInVar,
} from './influxql.ts';
import { alertAnnotation, assemble, departmentVariable, Layout, queryVariable } from './layout.ts';
import { sortBy, stat, stateTimeline, table, timeseries } from './panels.ts';

export const ALERTS_UID = 'hue-alerts';

/** How far back "firing now" looks for each rule+entity's latest transition. */
export const FIRING_LOOKBACK = '30d';

const SELECTED = [tagInVar('department', 'department'), tagInVar('severity', 'severity')];

const STATE_MAPPINGS: ValueMapping[] = [
  {
    type: MappingType.ValueToText,
    options: {
      firing: { text: 'Đang kích hoạt', color: '#FF0000', index: 0 },
      pending: { text: 'Chờ xác nhận', color: '#FFFF00', index: 1 },
      resolved: { text: 'Đã kết thúc', color: '#73BF69', index: 2 },
    },
  },
];

/** Each rule+entity's latest transition, with its tags. */
function latestTransition(): Select {
  return from('alert')
    .select(last('state').as('state'), col('message'), col('value'))
    .where(...SELECTED)
    .groupBy('rule', 'entity', 'department', 'severity');
}

function firingNow(layout: Layout): void {
  const counts = fromSubquery(latestTransition())
    .select(count('state').as('firing'))
    .where(fieldCmp('state', '=', 'firing'))
    .groupBy('department', 'severity');
  const list = fromSubquery(latestTransition())
    .select(col('message'), col('value'))
    .where(fieldCmp('state', '=', 'firing'))
    .groupBy('rule', 'entity', 'department', 'severity');
  layout
    .row('Đang kích hoạt')
    .add(
      stat({
        title: 'Đang kích hoạt theo phòng ban và mức độ',
        description:
          'Alerts firing now (latest transition of each rule and entity is "firing"), by department and severity.',
        targets: [target('A', counts, { alias: '$tag_department · $tag_severity' })],
        timeFrom: FIRING_LOOKBACK,
        noValue: '0',
        steps: [
          { value: null, color: '#73BF69' },
          { value: 1, color: '#FF7E00' },
        ],
      }),
      10,
      7,
    )
    .add(
      table({
        title: 'Cảnh báo đang kích hoạt',
        description:
          'Every alert firing now, the most recent first: rule, entity, department, severity and message.',
        targets: [target('A', list, { format: 'table' })],
        timeFrom: FIRING_LOOKBACK,
        transformations: [sortBy('Time', true)],
        names: {
          Time: 'Từ lúc',
          rule: 'Quy tắc',
          entity: 'Đối tượng',
          department: 'Phòng ban',
          severity: 'Mức độ',
          message: 'Nội dung',
          value: 'Giá trị',
        },
      }),
      14,
      7,
    );
}

function timeline(layout: Layout): void {
  const states = from('alert')
    .select(last('state').as('state'))
    .where(...SELECTED)
    .everyInterval()
    .groupBy('rule', 'entity');
  const transitions = from('alert')
    .select(count('transition_id').as('firing'))
    .where(fieldCmp('state', '=', 'firing'), ...SELECTED)
    .everyInterval(0)
    .groupBy('department');
  layout
    .row('Diễn biến')
    .add(
      stateTimeline({
        title: 'Diễn biến cảnh báo',
        description: 'State of every rule and entity over time: red firing, yellow pending, green resolved.',
        targets: [target('A', states, { alias: '$tag_rule · $tag_entity' })],
        mappings: STATE_MAPPINGS,
      }),
      16,
      9,
    )
    .add(
      timeseries({
        title: 'Số lần kích hoạt theo phòng ban',
        description: 'Alerts that started firing in each interval, by department.',
        targets: [target('A', transitions, { alias: '$tag_department' })],
        bars: true,
        stacked: true,
        min: 0,
        decimals: 0,
      }),
      8,
      9,
    );
}

function history(layout: Layout): void {
  const rows = from('alert')
    .select(
      col('rule'),
      col('entity'),
      col('department'),
      col('severity'),
      col('state'),
      col('value'),
      col('message'),
      col('transition_id'),
    )
    .where(...SELECTED)
    .newestFirst(500);
  layout.row('Lịch sử').add(
    table({
      title: 'Lịch sử cảnh báo',
      description: 'The latest 500 alert transitions in the time range, newest first.',
      targets: [target('A', rows, { format: 'table' })],
      mappings: STATE_MAPPINGS,
      names: {
        Time: 'Thời gian',
        rule: 'Quy tắc',
        entity: 'Đối tượng',
        department: 'Phòng ban',
        severity: 'Mức độ',
        state: 'Trạng thái',
        value: 'Giá trị',
        message: 'Nội dung',
        transition_id: 'Mã chuyển trạng thái',
      },
    }),
    24,
    10,
  );
}

export function alertsDashboard(): Dashboard {
  const layout = new Layout();
  firingNow(layout);
  timeline(layout);
  history(layout);
  return assemble({
    uid: ALERTS_UID,
    title: 'Cảnh báo',
    description: 'Alerts of every department: firing now, timeline, history.',
    tags: ['alerts'],
    from: 'now-24h',
    refresh: '30s',
    variables: [
      departmentVariable('all'),
      queryVariable('severity', 'Mức độ', showTagValues('alert', 'severity'), { current: 'all' }),
    ],
    annotations: [alertAnnotation()],
    layout,
  });
}
