// Filled in by the influxd test helper: starts one shared influxd for the run unless INFLUX_URL is set.
export default function setup(): void {}
