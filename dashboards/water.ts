/**
 * Water quality wall (environment department): pH, dissolved oxygen, COD, BOD5, NH4+, TSS and turbidity per
 * station, with the class limits of QCVN 08:2023/BTNMT drawn as thresholds (qcvn08.ts).
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { target } from './datasource.ts';
import { deviceMap } from './device-map.ts';
import { meanPerStation, ofMedium, STATION, stationVariable } from './environment.ts';
import { from, last } from './influxql.ts';
import { alertAnnotation, assemble, departmentVariable, Layout } from './layout.ts';
import { table, timeseries } from './panels.ts';
import { QCVN08 } from './qcvn08.ts';
import { nh4Steps, type Step, waterClassSteps } from './thresholds.ts';

export const WATER_UID = 'hue-water-quality';

const WATER = ofMedium('water');
const MG_L = 'suffix: mg/L';
const CLASSES = 'QCVN 08:2023 classes: A green, B yellow, C orange, D red.';

interface Parameter {
  field: string;
  title: string;
  description: string;
  unit: string;
  steps?: Step[];
}

const PARAMETERS: readonly Parameter[] = [
  {
    field: 'ph',
    title: 'pH',
    description: `pH per station; class A 6.5–8.5, B and C 6.0–8.5, D outside. ${CLASSES}`,
    unit: 'none',
    steps: waterClassSteps(QCVN08.ph),
  },
  {
    field: 'do_mgl',
    title: 'Ôxy hòa tan (DO)',
    description: `Dissolved oxygen (mg/L) per station; at least 6.0 (A), 5.0 (B), 4.0 (C). ${CLASSES}`,
    unit: MG_L,
    steps: waterClassSteps(QCVN08.do_mgl),
  },
  {
    field: 'cod_mgl',
    title: 'COD',
    description: `Chemical oxygen demand (mg/L); at most 10 (A), 15 (B), 20 (C), above is D. ${CLASSES}`,
    unit: MG_L,
    steps: waterClassSteps(QCVN08.cod_mgl),
  },
  {
    field: 'bod5_mgl',
    title: 'BOD5',
    description: `Biochemical oxygen demand (mg/L); at most 4 (A), 6 (B), 10 (C), above is D. ${CLASSES}`,
    unit: MG_L,
    steps: waterClassSteps(QCVN08.bod5_mgl),
  },
  {
    field: 'nh4_mgl',
    title: 'Amoni (NH4+)',
    description: 'Ammonium as N (mg/L); QCVN 08:2023 health limit 0.3 mg/L (red above).',
    unit: MG_L,
    steps: nh4Steps(),
  },
  {
    field: 'tss_mgl',
    title: 'Chất rắn lơ lửng (TSS)',
    description:
      'Total suspended solids (mg/L); at most 25 for A, above 100 for C and D (B drawn up to 100, its limit ' +
      `not being confirmed). ${CLASSES}`,
    unit: MG_L,
    steps: waterClassSteps(QCVN08.tss_mgl),
  },
  {
    field: 'turbidity_ntu',
    title: 'Độ đục',
    description:
      'Turbidity (NTU) per station. QCVN 08:2023 sets no class limit: compare with the site baseline.',
    unit: 'suffix: NTU',
  },
];

function latest(layout: Layout): void {
  const query = from('environment')
    .select(...PARAMETERS.map((p) => last(p.field).as(p.field)), last('temp_c').as('temp_c'))
    .where(WATER, STATION)
    .groupBy('station');
  const fieldSteps: Record<string, readonly Step[]> = {};
  for (const p of PARAMETERS) if (p.steps) fieldSteps[p.field] = p.steps;
  layout.row('Giá trị mới nhất').add(
    table({
      title: 'Giá trị mới nhất theo QCVN 08:2023',
      description: `Latest value of every parameter at each water station, coloured by its class. ${CLASSES}`,
      targets: [target('A', query, { format: 'table' })],
      timeFrom: '2h',
      transformations: [{ id: 'organize', options: { excludeByName: { Time: true } } }],
      fieldSteps,
      units: Object.fromEntries([...PARAMETERS.map((p) => [p.field, p.unit]), ['temp_c', 'celsius']]),
      names: {
        station: 'Trạm',
        ph: 'pH',
        do_mgl: 'DO',
        cod_mgl: 'COD',
        bod5_mgl: 'BOD5',
        nh4_mgl: 'NH4+',
        tss_mgl: 'TSS',
        turbidity_ntu: 'Độ đục',
        temp_c: 'Nhiệt độ',
      },
    }),
    24,
    6,
  );
}

function trends(layout: Layout): void {
  layout.row('Diễn biến theo QCVN 08:2023');
  for (const p of PARAMETERS) {
    const query = meanPerStation('water', p.field);
    layout.add(
      timeseries({
        title: p.title,
        description: p.description,
        targets: [target('A', query, { alias: '$tag_station' })],
        unit: p.unit,
        decimals: p.field === 'ph' ? 2 : undefined,
        ...(p.steps ? { steps: p.steps } : {}),
      }),
      8,
      8,
    );
  }
}

function stations(layout: Layout): void {
  layout.add(
    deviceMap({
      kind: 'station',
      variable: 'station',
      title: 'Bản đồ trạm quan trắc nước',
      what: 'Water stations',
      label: 'Trạm',
      symbol: 'circle',
    }),
    16,
    8,
  );
}

export function waterDashboard(): Dashboard {
  const layout = new Layout();
  latest(layout);
  trends(layout);
  stations(layout);
  return assemble({
    uid: WATER_UID,
    title: 'Chất lượng nước (QCVN 08:2023)',
    description: 'Surface water quality per station against the QCVN 08:2023 class limits.',
    tags: ['environment', 'water'],
    from: 'now-24h',
    variables: [stationVariable('water'), departmentVariable('environment')],
    annotations: [alertAnnotation()],
    layout,
  });
}
