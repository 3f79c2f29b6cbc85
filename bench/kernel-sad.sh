# scenario: kernel read cost: the kernel helper against ip -s xfrm state, 10k and 100k SAs
# Run inside the test VM by bench/run.sh (section "kernel"): a namespace whose SAD holds N ESP SAs
# (null algorithms, so that adding 100k stays quick under emulation) and N/10 policies, added
# with `ip -batch`; then, REPEAT times each, the helper, `ip -s xfrm state` and the exporter's
# parse, join and render of the helper's output (`--once --input.kernel`), timed with GNU time
# (wall, CPU, peak RSS). Prints one "BENCH kernel ..." line per size with the medians.
command -v /usr/bin/time > /dev/null || skip "no GNU time in the VM (apt-get install time)"
[ -n "${LSX_KERNEL_HELPER:-}" ] || skip "no kernel helper"
lsx_ns k
repeat=${LSX_BENCH_REPEAT:-3}
med() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# measure NAME CMD...: REPEAT runs; sets M_wall M_cpu M_rss (medians: s, s, KiB)
measure() {
	local name=$1 i; shift
	: > "$WORK/$name.t"
	for i in $(seq "$repeat"); do
		lsx_in k /usr/bin/time -f '%e %U %S %M' -o "$WORK/$name.one" "$@" > "$WORK/$name.out" ||
			lsx_fail "$name failed"
		cat "$WORK/$name.one" >> "$WORK/$name.t"
	done
	M_wall=$(awk '{print $1}' "$WORK/$name.t" | med)
	M_cpu=$(awk '{print $2 + $3}' "$WORK/$name.t" | med)
	M_rss=$(awk '{print $4}' "$WORK/$name.t" | med)
}
for n in ${LSX_BENCH_SAS:-10000 100000}; do
	lsx_in k ip xfrm state flush; lsx_in k ip xfrm policy flush
	awk -v n="$n" 'BEGIN {
		for (i = 1; i <= n; i++)
			printf "xfrm state add src 198.51.100.%d dst 192.0.2.%d proto esp spi 0x%x reqid %d mode tunnel enc cipher_null \"\" auth digest_null \"\"\n",
				i % 250 + 1, int(i / 250) % 250 + 1, 4096 + i, 16384 + 4 * int(i / 2)
		for (i = 1; i <= n / 10; i++)
			printf "xfrm policy add src 10.%d.%d.0/24 dst 10.200.%d.0/24 dir out tmpl src 198.51.100.1 dst 192.0.2.1 proto esp reqid %d mode tunnel\n",
				int(i / 250) % 250, i % 250, i % 250, 16384 + 4 * i
	}' > "$WORK/batch"
	t0=$(date +%s.%N)
	lsx_in k ip -batch "$WORK/batch" || fail "ip -batch failed for $n SAs"
	lsx_note "added $n SAs and $((n / 10)) policies in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}') s"
	measure helper "$LSX_KERNEL_HELPER"; h=($M_wall $M_cpu $M_rss)
	cp "$WORK/helper.out" "$WORK/kernel.txt"
	bytes=$(wc -c < "$WORK/kernel.txt")
	lsx_expect "helper saw $n SAs" grep -q "^end sas=$n " "$WORK/kernel.txt"
	measure ip ip -s xfrm state; i=($M_wall $M_cpu $M_rss)
	measure parse "$EXPORTER" --once --input.kernel "$WORK/kernel.txt"; p=($M_wall $M_cpu $M_rss)
	lsx_expect "the exporter counts $n SAs" grep -q "^libreswan_kernel_sas $n$" "$WORK/parse.out"
	echo "BENCH kernel sas=$n out_bytes=$bytes helper_wall=${h[0]} helper_cpu=${h[1]} helper_rss_kb=${h[2]}" \
		"ip_wall=${i[0]} ip_cpu=${i[1]} ip_rss_kb=${i[2]} parse_wall=${p[0]} parse_cpu=${p[1]} parse_rss_kb=${p[2]}" >&2
done
