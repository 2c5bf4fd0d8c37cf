#!/usr/bin/env bash
# Prints the path of an OCI image archive (one tar, an OCI image layout) holding local stand-ins
# for the images cri-tools' critest v1.26.1 runs (no registry is reachable here), each named as
# critest asks for it, for `ctr -n k8s.io images import` (test/integration/critest.test.ts).
# Built once from Debian packages and cached under $LXCRI_TEST_CACHE (default
# /var/cache/lxcri-test; scripts/test.sh puts it in build/, where the VM job finds it). Root only.
#
#   base (layer of busybox, predefined-group, httpd, nginx, hostnet-nginx): Debian's *dynamic*
#     busybox (apt-get download busybox) with its applets as hard links in /bin, as docker's
#     busybox image has them (the MaskedPaths spec masks /bin/ls and expects "ls: Permission
#     denied": busybox-static would run ls in-process, a symlink would mask busybox itself), plus
#     the host's pgrep (procps) and ipcs (util-linux), which Debian's busybox lacks and specs call,
#     with the libraries they load (copied from the host, Debian 12 like the guest).
#   registry.k8s.io/e2e-test-images/busybox:1.29-2            base
#   gcr.io/k8s-staging-cri-tools/test-image-predefined-group  base + default-user (uid 1000) in
#                                                             group 50000, USER 1000 (its Dockerfile)
#   registry.k8s.io/e2e-test-images/nginx:1.14-2               base + Debian's nginx (apt-get
#                                                             download nginx) on :80, CMD nginx -g
#                                                             'daemon off;' (/proc/1/cmdline then
#                                                             says "nginx: master process")
#   gcr.io/k8s-staging-cri-tools/hostnet-nginx-amd64           the same on :12003 (its default.conf)
#   registry.k8s.io/e2e-test-images/httpd:2.4.39-4             base + busybox httpd on :80 behind a
#                                                             script that first prints Apache's
#                                                             "Command line: 'httpd -D FOREGROUND'"
#                                                             (the log spec looks for it)
#   registry.k8s.io/e2e-test-images/nonewprivs:1.3             a static setuid-root program printing
#                                                             "Effective uid: N" (Kubernetes' nnp.c)
#   localhost/lxcri-test/pause:3.6                            test/tools/pause.c, static: containerd's
#                                                             sandbox_image in the test
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${LXCRI_TEST_CACHE:-/var/cache/lxcri-test}
# the name changes with this recipe (and pause.c), so that a cache of an older one is not used
key=$(cat "$0" "$here/pause.c" | sha256sum | cut -c1-12)
out=$cache/cri-images-$key.tar
if [[ -s $out ]]; then
  echo "$out"
  exit 0
fi
mkdir -p "$cache"
work=$(mktemp -d "$cache/cri-images.XXXXXX")
trap 'rm -rf "$work"' EXIT
log() { echo "cri-images: $*" >&2; }

# Debian packages: downloaded (apt's own client), unpacked, never installed.
debs=$work/debs
mkdir -p "$debs"
fetch() {
  (cd "$debs" && apt-get download "$@" >/dev/null 2>"$work/apt.log") ||
    { apt-get update -qq && (cd "$debs" && apt-get download "$@" >/dev/null 2>"$work/apt.log"); } ||
    { cat "$work/apt.log" >&2; log "apt-get download $* failed"; exit 1; }
}
fetch busybox nginx
for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$debs/x"; done

base=$work/base
# Copies a program, and every library ldd says it loads that the base layer lacks, to the same paths under a root.
with_libs() {
  local root=$1 src=$2 dst=$3 lib
  install -D -m 755 "$src" "$root$dst"
  for lib in $(ldd "$src" | grep -oE '/[^ ]+'); do
    [[ -e $root$lib || -e $base$lib ]] || install -D -m 755 "$(readlink -f "$lib")" "$root$lib"
  done
}

mkdir -p "$base"/{bin,etc,root,run,tmp,var/tmp,home,proc,sys,dev,usr/bin}
ln -s /run "$base/var/run" # as on Debian (the HostPID spec reads /var/run/nginx.pid)
chmod 1777 "$base/tmp" "$base/var/tmp"
with_libs "$base" "$debs/x/bin/busybox" /bin/busybox
for applet in $("$debs/x/bin/busybox" --list); do # the applets as hard links of /bin/busybox
  [[ $applet == busybox || -e $base/bin/$applet ]] || ln "$base/bin/busybox" "$base/bin/$applet"
done
with_libs "$base" "$(command -v pgrep)" /usr/bin/pgrep
with_libs "$base" "$(command -v ipcs)" /usr/bin/ipcs
cat >"$base/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
EOF
cat >"$base/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
tty:x:5:
www-data:x:33:
users:x:100:
nogroup:x:65534:
EOF

group=$work/group
mkdir -p "$group/etc" "$group/home/default-user"
sed '$a default-user:x:1000:1000:Linux User,,,:/home/default-user:/bin/sh' "$base/etc/passwd" >"$group/etc/passwd"
sed -e '$a default-user:x:1000:' -e '$a group-defined-in-image:x:50000:default-user' "$base/etc/group" >"$group/etc/group"
chown 1000:1000 "$group/home/default-user"

nginx=$work/nginx
mkdir -p "$nginx"/{etc/nginx,var/log/nginx,var/lib/nginx,usr/share/nginx/html}
with_libs "$nginx" "$debs/x/usr/sbin/nginx" /usr/sbin/nginx
nginx_conf() {
  cat <<EOF
user www-data;
worker_processes 1;
error_log /dev/stderr notice;
pid /var/run/nginx.pid;
events { worker_connections 64; }
http {
  access_log /dev/stdout;
  default_type text/html;
  server {
    listen $1;
    location / { root /usr/share/nginx/html; index index.html; }
  }
}
EOF
}
nginx_conf 80 >"$nginx/etc/nginx/nginx.conf"
echo '<p>nginx (lxcri test stand-in)</p>' >"$nginx/usr/share/nginx/html/index.html"
hostnet=$work/hostnet
mkdir -p "$hostnet/etc/nginx"
nginx_conf 12003 >"$hostnet/etc/nginx/nginx.conf"

httpd=$work/httpd
mkdir -p "$httpd/usr/local/bin" "$httpd/usr/local/apache2/htdocs"
echo '<p>httpd (lxcri test stand-in)</p>' >"$httpd/usr/local/apache2/htdocs/index.html"
cat >"$httpd/usr/local/bin/httpd-foreground" <<'EOF'
#!/bin/sh
# what Apache's image logs at start, then busybox httpd in the foreground
echo "[core:notice] AH00094: Command line: 'httpd -D FOREGROUND' (lxcri test stand-in: busybox httpd)"
exec httpd -f -vv -p 80 -h /usr/local/apache2/htdocs
EOF
chmod 755 "$httpd/usr/local/bin/httpd-foreground"

nnp=$work/nnp
mkdir -p "$nnp/usr/local/bin"
printf '#include <stdio.h>\n#include <unistd.h>\nint main(void) { printf("Effective uid: %%d\\n", geteuid()); return 0; }\n' >"$work/nnp.c"
cc -static -O2 -o "$nnp/usr/local/bin/nnp" "$work/nnp.c"
chmod 4755 "$nnp/usr/local/bin/nnp"

pause=$work/pause
mkdir -p "$pause"
cc -static -O2 -o "$pause/pause" "$here/pause.c"

# --- the OCI image layout ---
layout=$work/layout
mkdir -p "$layout/blobs/sha256"
echo '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
# Stores stdin as a blob; prints "digest size".
blob() {
  local tmp=$layout/blob.tmp d
  cat >"$tmp"
  d=$(sha256sum "$tmp" | cut -d' ' -f1)
  mv "$tmp" "$layout/blobs/sha256/$d"
  echo "sha256:$d $(stat -c %s "$layout/blobs/sha256/$d")"
}
declare -A layer_of
for l in base group nginx hostnet httpd nnp pause; do
  # uncompressed, reproducible, hard links kept, owners as made here (root; the group layer's home 1000's)
  layer_of[$l]=$(tar -C "$work/$l" --sort=name --mtime=@0 --numeric-owner -cf - . | blob)
done

manifests=()
# image NAME USER 'ENTRYPOINT json' 'CMD json' LAYER...
image() {
  local name=$1 user=$2 entrypoint=$3 cmd=$4 diffs=() descs=() l d s config
  shift 4
  for l in "$@"; do
    read -r d s <<<"${layer_of[$l]}"
    diffs+=("\"$d\"")
    descs+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"$d\",\"size\":$s}")
  done
  config=$(printf '{"architecture":"amd64","os":"linux","config":{"User":"%s","Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Entrypoint":%s,"Cmd":%s,"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
    "$user" "$entrypoint" "$cmd" "$(IFS=,; echo "${diffs[*]}")" | blob)
  read -r d s <<<"$config"
  read -r d s <<<"$(printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%s},"layers":[%s]}' \
    "$d" "$s" "$(IFS=,; echo "${descs[*]}")" | blob)"
  manifests+=("{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"$d\",\"size\":$s,\"annotations\":{\"io.containerd.image.name\":\"$name\",\"org.opencontainers.image.ref.name\":\"${name##*:}\"}}")
}
image registry.k8s.io/e2e-test-images/busybox:1.29-2 '' null '["sh"]' base
image gcr.io/k8s-staging-cri-tools/test-image-predefined-group:latest 1000 null '["sh"]' base group
image registry.k8s.io/e2e-test-images/nginx:1.14-2 '' null '["nginx","-g","daemon off;"]' base nginx
image gcr.io/k8s-staging-cri-tools/hostnet-nginx-amd64:latest '' null '["nginx","-g","daemon off;"]' base nginx hostnet
image registry.k8s.io/e2e-test-images/httpd:2.4.39-4 '' null '["httpd-foreground"]' base httpd
image registry.k8s.io/e2e-test-images/nonewprivs:1.3 '' '["/usr/local/bin/nnp"]' null nnp
image localhost/lxcri-test/pause:3.6 '' '["/pause"]' null pause
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[%s]}\n' \
  "$(IFS=,; echo "${manifests[*]}")" >"$layout/index.json"
tar -C "$layout" --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner -cf "$work/images.tar" oci-layout index.json blobs
mv "$work/images.tar" "$out" # atomic: a half-built archive is never cached
log "built $out ($(du -h "$out" | cut -f1))"
echo "$out"
