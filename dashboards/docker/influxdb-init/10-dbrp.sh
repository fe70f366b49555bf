#!/bin/bash
# InfluxQL on InfluxDB 2.x reads a bucket through a DBRP mapping (database + retention policy -> bucket).
# InfluxDB 2.4+ gives every bucket a virtual mapping (database = bucket name, retention policy autogen);
# this explicit one, made once at setup, also serves 2.x servers without virtual mappings and is listed
# by `influx v1 dbrp list`. The influxdb image runs it after DOCKER_INFLUXDB_INIT_MODE=setup, with the
# CLI configured for the admin token and DOCKER_INFLUXDB_INIT_BUCKET_ID exported.
set -euo pipefail

db="${DOCKER_INFLUXDB_INIT_BUCKET}"
if influx v1 dbrp create --db "${db}" --rp autogen --bucket-id "${DOCKER_INFLUXDB_INIT_BUCKET_ID}" --default; then
  echo "InfluxQL: database ${db} (retention policy autogen) mapped to bucket ${db}"
else
  echo "InfluxQL: no explicit DBRP mapping for ${db}; queries use the bucket's virtual mapping" >&2
fi
