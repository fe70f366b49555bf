/** Commands built by later issues (demo, sim, dashboards, bench) dispatch from here. */
export async function run(command: string, _argv: string[]): Promise<void> {
  throw new Error(`unknown command "${command}" (try: hub help)`);
}
