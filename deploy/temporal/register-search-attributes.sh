#!/bin/sh
# Registers makini-writes' custom search attributes on a Temporal namespace, once the server
# answers and the namespace exists. Run by the `temporal-init` service of docker-compose.yml
# (temporalio/admin-tools image); works against any cluster the `temporal` CLI can reach.
#
#   TEMPORAL_ADDRESS=host:7233 TEMPORAL_NAMESPACE=default \
#     sh register-search-attributes.sh MakiniConnectionId=Keyword MakiniSystem=Keyword ...
#
# Idempotent: an attribute that already exists with the same type is kept; one that exists with
# another type is an error (the CLI names it). Waiting is bounded by TEMPORAL_INIT_TIMEOUT_S.
set -eu

address="${TEMPORAL_ADDRESS:?TEMPORAL_ADDRESS is not set (host:port of the Temporal frontend)}"
namespace="${TEMPORAL_NAMESPACE:-default}"
timeout_s="${TEMPORAL_INIT_TIMEOUT_S:-300}"

if [ "$#" -eq 0 ]; then
  echo "usage: $0 Name=Type [Name=Type ...]" >&2
  exit 2
fi

# Builds `--name N --type T` pairs for one CLI call.
names=""
set -- "$@" --
while [ "$1" != "--" ]; do
  pair="$1"
  shift
  name="${pair%%=*}"
  type="${pair#*=}"
  if [ -z "$name" ] || [ "$name" = "$pair" ] || [ -z "$type" ]; then
    echo "temporal-init: bad argument \"$pair\": expected Name=Type (e.g. MakiniSystem=Keyword)" >&2
    exit 2
  fi
  names="$names $name"
  set -- "$@" --name "$name" --type "$type"
done
shift # the "--" marker

# Runs "$@" until it succeeds; fails at once on an error waiting cannot fix, else after
# timeout_s, printing the command's last output.
retry() {
  what="$1"
  shift
  started=$(date +%s)
  until out=$("$@" 2>&1); do
    if echo "$out" | grep -qiE 'different type|invalid argument|unknown flag|exceeds? .*limit'; then
      echo "temporal-init: $what" >&2
      echo "$out" >&2
      exit 1
    fi
    if [ $(( $(date +%s) - started )) -ge "$timeout_s" ]; then
      echo "temporal-init: gave up after ${timeout_s}s: $what" >&2
      echo "$out" >&2
      exit 1
    fi
    sleep 2
  done
}

echo "temporal-init: waiting for the Temporal server at $address"
retry "the server at $address did not answer" \
  temporal operator cluster health --address "$address"

# auto-setup creates the namespace in the background after the server starts.
echo "temporal-init: waiting for namespace $namespace"
retry "namespace $namespace does not exist" \
  temporal operator namespace describe --address "$address" --namespace "$namespace"

# Retried too: a new namespace can take a moment to reach every frontend's cache.
retry "registering search attributes on $namespace failed" \
  temporal operator search-attribute create --address "$address" --namespace "$namespace" "$@"
listing=$(temporal operator search-attribute list --address "$address" --namespace "$namespace")
for name in $names; do
  if ! echo "$listing" | grep -qw "$name"; then
    echo "temporal-init: $name is not listed on $namespace after registration" >&2
    exit 1
  fi
done
echo "temporal-init: registered on $namespace:$names"
