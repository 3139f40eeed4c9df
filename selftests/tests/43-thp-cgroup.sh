# topology: tiered
# debug: skip the THP fault path is taken on the debug kernel by 40, 42, 47 and 48
# thp_cgroup: cgroup "eager" keeps today's huge pages at first fault,
# cgroup "lazy" gets threshold 256, in the same policy at the same time.
. "$REPO/selftests/lib.sh"


thp_setup
echo +memory > /sys/fs/cgroup/cgroup.subtree_control
mkdir -p /sys/fs/cgroup/eager /sys/fs/cgroup/lazy
mmpolicy load thp_cgroup --set default_threshold=1 || fail "load"
"$BPFTOOL" map update name thp_thresholds key $(le_bytes "$(stat -c %i /sys/fs/cgroup/lazy)" 8) value $(le_bytes 256 4) || fail "map update"
e=$(in_cgroup eager "$THPTOUCH" -n 8 touch:0-7:1 report | grep '^report')
l=$(in_cgroup lazy "$THPTOUCH" -n 8 touch:0-7:1 report | grep '^report')
echo "eager: $e"
echo "lazy:  $l"
check "eager cgroup: a huge page per touched range" grep -q 'huge_kb=16384' <<<"$e"
check "lazy cgroup: none" grep -q 'huge_kb=0$' <<<"$l"
rmdir /sys/fs/cgroup/eager /sys/fs/cgroup/lazy
