/**
 * Summary of a V8 CPU profile (`node --cpu-prof`, `.cpuprofile` JSON): self time per function and per
 * area (a package in node_modules, a folder of this project, Node's internals, GC), which is what the
 * report needs to say where a missed target's time goes. Pure.
 */

export interface CpuProfile {
  nodes: Array<{
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }>;
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileEntry {
  name: string;
  area: string;
  selfMs: number;
  /** Share of the busy (non-idle) time, %. */
  pct: number;
}

export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  /** By self time. */
  functions: ProfileEntry[];
  /** This project's functions by total time (self + callees), counted once per stack. */
  inclusive: ProfileEntry[];
  areas: ProfileEntry[];
  /** The longest stretches without an idle sample (what stalls the event loop), longest first. */
  longTasks: LongTask[];
}

export interface LongTask {
  ms: number;
  /** Start, ms after the profile's start. */
  atMs: number;
  /** The deepest project function on the stack for at least half of the stretch ('' if none). */
  mostly: string;
}

const SPECIAL = new Set(['(idle)', '(program)', '(garbage collector)', '(root)']);

/** Where a script lives: `aedes`, `@influxdata/...`, `project:ingest`, `node`, or the special frame. */
export function areaOf(url: string, functionName: string, projectRoot?: string): string {
  if (!url) return SPECIAL.has(functionName) ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node';
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 14).split('/');
    return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? '?');
  }
  const path = url.replace(/^file:\/\//, '');
  if (projectRoot && path.startsWith(projectRoot)) {
    const rel = path.slice(projectRoot.length).replace(/^\//, '');
    const dir = rel.includes('/') ? rel.slice(0, rel.indexOf('/')) : rel;
    return `project:${dir}`;
  }
  return path;
}

function frameName(frame: CpuProfile['nodes'][number]['callFrame']): string {
  const { functionName, url, lineNumber } = frame;
  if (!url) return functionName;
  // tsx's transpiled project files report line 0 for every function: the name says enough there.
  const line = lineNumber > 0 ? `:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${shortUrl(url)}${line}`;
}

/** Total time of each project function: every sample's time goes to each distinct function on its stack. */
function inclusiveTimes(
  profile: CpuProfile,
  selfUs: ReadonlyMap<number, number>,
  projectRoot: string | undefined,
): Map<string, { area: string; us: number }> {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const out = new Map<string, { area: string; us: number }>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)?.callFrame;
      if (!frame) break;
      const area = areaOf(frame.url, frame.functionName, projectRoot);
      if (!area.startsWith('project:')) continue;
      const name = frameName(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      const f = out.get(name) ?? { area, us: 0 };
      f.us += us;
      out.set(name, f);
    }
  }
  return out;
}

/** Runs of consecutive non-idle samples longer than `minMs`, with what they were mostly doing. */
export function findLongTasks(profile: CpuProfile, projectRoot?: string, minMs = 50, top = 5): LongTask[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const tasks: LongTask[] = [];
  let at = 0;
  let start = -1;
  let startAt = 0;
  const close = (end: number, endAt: number) => {
    const ms = (endAt - startAt) / 1000;
    if (ms >= minMs)
      tasks.push({ ms: Math.round(ms), atMs: Math.round(startAt / 1000), mostly: mostly(start, end) });
    start = -1;
  };
  const mostly = (from: number, to: number): string => {
    // Time per project function over the stretch; the deepest one covering half of it names it.
    const time = new Map<string, { us: number; depth: number }>();
    let total = 0;
    for (let i = from; i < to; i++) {
      const dt = Math.max(0, deltas[i + 1] ?? 0);
      total += dt;
      const seen = new Set<string>();
      let depth = 0;
      const chain: Array<{ name: string }> = [];
      for (let id: number | undefined = samples[i]; id !== undefined; id = parent.get(id)) {
        const frame = byId.get(id)?.callFrame;
        if (!frame) break;
        if (areaOf(frame.url, frame.functionName, projectRoot).startsWith('project:'))
          chain.push({ name: frameName(frame) });
      }
      for (const { name } of chain.reverse()) {
        depth++;
        if (seen.has(name)) continue;
        seen.add(name);
        const t = time.get(name) ?? { us: 0, depth };
        t.us += dt;
        t.depth = Math.max(t.depth, depth);
        time.set(name, t);
      }
    }
    let best = '';
    let bestDepth = -1;
    for (const [name, t] of time)
      if (t.us * 2 >= total && t.depth > bestDepth) {
        best = name;
        bestDepth = t.depth;
      }
    return best;
  };
  for (let i = 0; i < samples.length; i++) {
    const idle = byId.get(samples[i]!)?.callFrame.functionName === '(idle)';
    if (!idle && start < 0) {
      start = i;
      startAt = at;
    } else if (idle && start >= 0) close(i, at);
    at += Math.max(0, deltas[i + 1] ?? 0);
  }
  if (start >= 0) close(samples.length, at);
  return tasks.sort((a, b) => b.ms - a.ms).slice(0, top);
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) return url.slice(nm + 14);
  const parts = url.replace(/^file:\/\//, '').split('/');
  return parts.slice(-2).join('/');
}

export function summarizeProfile(profile: CpuProfile, top = 15, projectRoot?: string): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  // timeDeltas[i] is the time before sample i; the time until the next sample is spent where sample i was.
  for (let i = 0; i < samples.length; i++) {
    const dt = deltas[i + 1] ?? 0;
    selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + Math.max(0, dt));
  }
  const fns = new Map<string, { area: string; us: number }>();
  const areas = new Map<string, number>();
  let totalUs = 0;
  let idleUs = 0;
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url } = node.callFrame;
    totalUs += us;
    if (functionName === '(idle)') {
      idleUs += us;
      continue;
    }
    const area = areaOf(url, functionName, projectRoot);
    const name = frameName(node.callFrame);
    const f = fns.get(name) ?? { area, us: 0 };
    f.us += us;
    fns.set(name, f);
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  const busyUs = totalUs - idleUs;
  const inclusive = inclusiveTimes(profile, selfUs, projectRoot);
  const longTasks = findLongTasks(profile, projectRoot);
  const entry = (name: string, area: string, us: number): ProfileEntry => ({
    name,
    area,
    selfMs: Math.round(us / 100) / 10,
    pct: busyUs > 0 ? Math.round((us / busyUs) * 1000) / 10 : 0,
  });
  return {
    totalMs: Math.round(totalUs / 1000),
    busyMs: Math.round(busyUs / 1000),
    functions: [...fns]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([name, f]) => entry(name, f.area, f.us)),
    inclusive: [...inclusive]
      .sort((a, b) => b[1].us - a[1].us)
      .slice(0, top)
      .map(([name, f]) => entry(name, f.area, f.us)),
    areas: [...areas]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => entry(name, name, us)),
    longTasks,
  };
}
