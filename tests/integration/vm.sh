#!/bin/bash
# SPDX-License-Identifier: MIT
#
# vm.sh: run integration scenarios inside a small QEMU virtual machine booted from Debian's cloud
# kernel, which has what a container or CI host kernel often lacks: ESP (esp4/esp6), so Child SAs
# establish and real IPsec byte counters exist.
#
#   vm.sh [-v] [SCENARIO...]      (default: every scenario in scenarios/vm)
#
# The guest is an initramfs built from this machine's own binaries (Libreswan, iproute2, ping,
# curl, bash, coreutils, kmod, busybox for the rest) plus this directory and the exporter
# (EXPORTER, with its shared libraries). Inside, run.sh runs the scenarios exactly as on the host
# and prints PASS/FAIL per scenario; this script streams the guest's console and exits with
# run.sh's status inside the guest (77 when the VM cannot run here: no qemu-system-x86_64, no
# /boot/vmlinuz-*-cloud-amd64 with its modules, no busybox or cpio, not root).
#
# Needs (Debian 12): qemu-system-x86 linux-image-cloud-amd64 busybox-static cpio libreswan
# iproute2 iputils-ping curl kmod. Software emulation (TCG) is used: KVM is often unavailable
# in nested CI machines. Environment: LSX_VM_TIMEOUT (seconds, default 480), LSX_VM_MEM (MiB,
# default 1024), LSX_VM_KERNEL (a vmlinuz to use), LSX_VM_ACCEL (default tcg,thread=multi),
# LSX_VM_KEEP=1 keeps the build directory.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/common.sh"
verbose=""
[ "${1:-}" = -v ] && { verbose=-v; shift; }

need_root "the kernel image is readable by root only"
need qemu-system-x86_64 cpio depmod
kernel=${LSX_VM_KERNEL:-$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -1)}
[ -n "$kernel" ] && [ -r "$kernel" ] || skip "no /boot/vmlinuz-*-cloud-amd64 (apt-get install linux-image-cloud-amd64)"
kver=${kernel#*/vmlinuz-}
[ -d "/lib/modules/$kver/kernel" ] || skip "no modules for $kver in /lib/modules"
busybox=$(command -v busybox) || skip "no busybox (apt-get install busybox-static)"
[ -x /usr/libexec/ipsec/pluto ] || skip "Libreswan not installed"
need_exporter

# scenario files travel into the guest under /payload/scenarios
if [ "${LSX_VM_KEEP:-0}" = 1 ]; then W=$(mktemp -d "${TMPDIR:-/tmp}/lsx-vm.XXXXXX"); echo "vm.sh: keeping $W"
else work_dir vm; W=$WORK; fi
R=$W/root
qpid=
stop_vm() { if [ -n "$qpid" ]; then kill "$qpid" 2>/dev/null; fi; }
at_exit stop_vm
mkdir -p "$R"/{bin,sbin,etc,proc,sys,dev,tmp,run,root,usr/bin,usr/sbin,usr/libexec,payload/scenarios,payload/bin} \
	"$R/payload/integration" "$R/payload/lib" "$R/lib/modules/$kver"
args=()
if [ $# -eq 0 ]; then
	cp "$HERE"/scenarios/vm/*.sh "$R/payload/scenarios/"
else
	for a in "$@"; do
		f=$a; [ -f "$f" ] || f=$HERE/scenarios/vm/$a.sh
		[ -f "$f" ] || { echo "vm.sh: no scenario $a" >&2; exit 2; }
		cp "$f" "$R/payload/scenarios/"; args+=("$(basename "$f" .sh)")
	done
fi
# the harness, laid out as in the tree: lib.sh finds ../lib/common.sh
cp "$HERE/lib.sh" "$HERE/run.sh" "$R/payload/integration/"
cp "$HERE/../lib/common.sh" "$R/payload/lib/"
# LSX_VM_EXTRA: a directory that travels as /payload/extra; its run.sh, when it has one, runs
# instead of run.sh (same environment and arguments; tests/matrix uses it for other releases)
runner=/payload/integration/run.sh
if [ -n "${LSX_VM_EXTRA:-}" ]; then
	cp -a "$LSX_VM_EXTRA" "$R/payload/extra"
	[ -f "$R/payload/extra/run.sh" ] && runner=/payload/extra/run.sh
fi

copy_bin() {
	local f l
	for f in "$@"; do
		[ -e "$f" ] || continue
		mkdir -p "$R$(dirname "$f")"; cp -L "$f" "$R$f"
		for l in $(ldd "$f" 2>/dev/null | grep -oE '/[^ ]+'); do
			mkdir -p "$R$(dirname "$l")"; cp -Ln "$l" "$R$l" 2>/dev/null
		done
	done
}
cp "$busybox" "$R/bin/busybox"
for a in $("$busybox" --list); do ln -s busybox "$R/bin/$a" 2>/dev/null; done
tools="bash timeout sed grep awk seq cat sleep readlink dirname basename mktemp head tail wc cut tr
	sort uniq date id stat chmod cp mv rm mkdir ln ls env kill ps setsid kmod ip ping curl certutil
	modutil ipsec"
for t in $tools; do
	p=$(command -v "$t") || continue
	case $p in /*) ;; *) continue ;; esac
	copy_bin "$(readlink -f "$p")"
	[ "$(readlink -f "$p")" = "$p" ] || { mkdir -p "$R$(dirname "$p")"; ln -sf "$(readlink -f "$p")" "$R$p" 2>/dev/null; }
	# the real tool wins over busybox's applet in /bin
	rm -f "$R/bin/$t"; [ -e "$R/usr/bin/$t" ] || [ -e "$R/usr/sbin/$t" ] || ln -s "$(readlink -f "$p")" "$R/bin/$t"
done
# GNU time (peak RSS of a command), for the kernel benchmark run through this VM
[ -x /usr/bin/time ] && copy_bin /usr/bin/time
cp -a /usr/libexec/ipsec "$R/usr/libexec/"
for f in /usr/libexec/ipsec/*; do [ -f "$f" ] && head -c 4 "$f" | grep -q ELF && copy_bin "$f"; done
for l in /usr/lib/x86_64-linux-gnu/{libsoftokn3.so,libfreebl3.so,libfreeblpriv3.so,libnssdbm3.so,libsqlite3.so.0,libnssckbi.so}; do
	[ -e "$l" ] && { mkdir -p "$R$(dirname "$l")"; cp -L "$l" "$R$l"; }
done
[ -d /etc/ipsec.d ] && mkdir -p "$R/etc/ipsec.d"
mkdir -p "$R$(dirname "$EXPORTER")"
copy_bin "$EXPORTER"
cp -L "$EXPORTER" "$R/payload/bin/libreswan_exporter"
# the kernel collector's helper, from next to the exporter (or LSX_KERNEL_HELPER)
helper=${LSX_KERNEL_HELPER:-$(dirname "$EXPORTER")/xfrm-helper}
if [ -x "$helper" ]; then copy_bin "$helper"; cp -L "$helper" "$R/payload/bin/xfrm-helper"; fi
# the events collector's log helper, from next to the exporter (or LSX_EVENTS_HELPER)
loghelper=${LSX_EVENTS_HELPER:-$(dirname "$EXPORTER")/plutolog-helper}
if [ -x "$loghelper" ]; then copy_bin "$loghelper"; cp -L "$loghelper" "$R/payload/bin/plutolog-helper"; fi
rm -f "$R/bin/sh"; ln -s /usr/bin/bash "$R/bin/sh"
for t in modprobe insmod lsmod depmod rmmod; do rm -f "$R/bin/$t" "$R/sbin/$t"; ln -s /usr/bin/kmod "$R/sbin/$t"; done

# kernel modules: IPsec, veth, bridge, and every crypto module (the kernel asks /sbin/modprobe
# for algorithm templates such as rfc4106(gcm(aes)))
{ for m in esp4 esp6 ah4 ah6 ipcomp ipcomp6 xfrm_user xfrm_interface veth dummy bridge; do
	modprobe -S "$kver" --show-depends "$m" 2>/dev/null | awk '/^insmod/ { print $2 }'; done
  find "/lib/modules/$kver/kernel/crypto" "/lib/modules/$kver/kernel/arch/x86/crypto" \
	"/lib/modules/$kver/kernel/lib/crypto" -name '*.ko*' 2>/dev/null
} | sort -u | while read -r m; do mkdir -p "$R$(dirname "$m")"; cp "$m" "$R$m"; done
cp "/lib/modules/$kver"/modules.{order,builtin,builtin.modinfo} "$R/lib/modules/$kver/" 2>/dev/null
depmod -b "$R" "$kver" || { echo "vm.sh: depmod failed" >&2; exit 1; }
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' > "$R/etc/passwd"
printf 'root:x:0:\nnogroup:x:65534:\n' > "$R/etc/group"
echo "127.0.0.1 localhost" > "$R/etc/hosts"; : > "$R/etc/resolv.conf"
printf '%s\n' "${args[@]}" > "$R/payload/args"
cat > "$R/init" <<EOF
#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc; /bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev; /bin/busybox mount -t tmpfs tmp /tmp
/bin/busybox mount -t tmpfs run /run; /bin/busybox mkdir -p /dev/pts /run/netns
/bin/busybox mount -t devpts devpts /dev/pts; /bin/busybox ln -sf /proc/self/fd /dev/fd
export PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TMPDIR=/tmp
for m in esp4 esp6 ah4 xfrm_user veth dummy bridge; do modprobe \$m 2>/dev/null; done
ip link set lo up
echo LSX-VM-START
cd /payload
LSX_CAPTURE=${LSX_CAPTURE:-} LSX_BENCH_SAS="${LSX_BENCH_SAS:-}" LSX_BENCH_REPEAT=${LSX_BENCH_REPEAT:-} EXPORTER=/payload/bin/libreswan_exporter LSX_KERNEL_HELPER=/payload/bin/xfrm-helper LSX_SCENARIOS=/payload/scenarios LSX_WAIT=\${LSX_WAIT:-45} LSX_POLL_INTERVAL=${LSX_POLL_INTERVAL:-2s} LSX_CONN_OPTIONS="${LSX_CONN_OPTIONS-ike=aes128-sha2_256;dh19 esp=aes_gcm128 pfs=no}" \
	LSX_SCENARIO_TIMEOUT=${LSX_SCENARIO_TIMEOUT:-240} /usr/bin/bash $runner $verbose \$(cat /payload/args)
echo "LSX-VM-EXIT=\$?"
/bin/busybox poweroff -f
EOF
chmod +x "$R/init"
(cd "$R" && find . | cpio -o -H newc 2> /dev/null | gzip -1) > "$W/initrd.gz" || { echo "vm.sh: cpio failed" >&2; exit 1; }
echo "vm.sh: booting $kernel ($(du -h "$W/initrd.gz" | cut -f1) initramfs, ${LSX_VM_ACCEL:-tcg,thread=multi})"

start=$SECONDS
# the console file exists before tail looks for it (tail -f gives up on a missing file)
: > "$W/console"
timeout -k 10 "${LSX_VM_TIMEOUT:-480}" qemu-system-x86_64 -accel "${LSX_VM_ACCEL:-tcg,thread=multi}" -cpu max \
	-m "${LSX_VM_MEM:-1024}" -smp 2 -nographic -no-reboot -kernel "$kernel" -initrd "$W/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1 rdinit=/init" < /dev/null > "$W/console" 2>&1 &
qpid=$!
# stream the guest's output (after its init starts) while the VM runs
tail -n +1 -f --pid="$qpid" "$W/console" 2>/dev/null |
	awk '{ gsub(/\r/, "") } /LSX-VM-START/ { on = 1; next } on && !/LSX-VM-EXIT=|reboot: Power down/ { print; fflush() }'
wait "$qpid"; qrc=$?; qpid=""
rc=$(tr -d '\r' < "$W/console" | sed -n 's/.*LSX-VM-EXIT=\([0-9]*\).*/\1/p' | tail -1)
if [ -z "$rc" ]; then
	echo "vm.sh: the guest did not finish (qemu status $qrc after $((SECONDS - start))s); console tail:"
	tr -d '\r' < "$W/console" | tail -30 | sed 's/^/    | /'
	exit 1
fi
echo "vm.sh: guest finished in $((SECONDS - start))s with status $rc"
exit "$rc"
