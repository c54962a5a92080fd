#!/usr/bin/env bash
# `npm run standalone`: the 1 GiB case of test/e2e/standalone.test.ts, too slow for CI.
# dist/airgap.mjs bundles a repo holding a 1 GiB random file, then uploads the archive from a
# directory holding only airgap.mjs and the archive, to s3rver on 127.0.0.1 (port
# $AIRGAP_S3_PORT, 45726 unless set). Prints each exit code, the time and the upload's peak RSS.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
port=${AIRGAP_S3_PORT:-45726}
work=$(mktemp -d "${TMPDIR:-/tmp}/airgap-standalone-XXXXXX")
mkdir -p "$work/alone" "$work/s3"
cp "$root/dist/airgap.mjs" "$work/alone/"
node "$root/node_modules/.bin/s3rver" -d "$work/s3" -a 127.0.0.1 -p "$port" --silent \
  --configure-bucket acme-airgap &
s3=$!
trap 'kill "$s3"; rm -rf "$work"' EXIT
cp -r "$root/examples/kafka-ops" "$work/repo"
cd "$work/repo"
git init -q -b main
mkdir -p k8s/dev/data
head -c 1073741824 /dev/urandom > k8s/dev/data/payload.bin
sed -i "s|^  prefix: bundles/dev\$|&\\n  endpoint: http://127.0.0.1:$port|" bundles/dev-topics.yaml
sed -i 's|^  - k8s/dev/checks/topic-smoke-test.yaml$|&\n  - k8s/dev/data/payload.bin|' bundles/dev-topics.yaml
git add -A
git -c user.name=airgap -c user.email=airgap@example.com commit -q -m '1 GiB payload'
start=$(date +%s)
node "$work/alone/airgap.mjs" bundle dev-topics > "$work/bundle.out"
echo "bundle: exit $? in $(($(date +%s) - start)) s"
out=$(tail -n 1 "$work/bundle.out")
archive=$(basename "$(ls "$out"/*.tar.gz)")
sha=$(cut -d ' ' -f 1 "$out/$archive.sha256")
mv "$out/$archive" "$work/alone/"
rm -rf "$work/repo"
cd "$work/alone"
echo "upload from a directory holding: $(echo *)"
start=$(date +%s)
AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER /usr/bin/time -f 'peak RSS %M KiB' \
  node airgap.mjs upload "$archive" --sha256 "$sha"
echo "upload: exit $? in $(($(date +%s) - start)) s; left behind: $(echo *)"
